using MgmtWatch.Core.Output;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Ipmi;

/// <summary>
/// Real traffic: ipmitool sessions against ipmi_sim on loopback, recorded with tcpdump and read back
/// through the real pipeline and output writers. One simulator and one capture serve every test: the runs
/// are told apart by their time windows (packet time is the wall clock in a live capture).
/// </summary>
public sealed class IpmiSimulatorRuns : IDisposable
{
    /// <summary>ipmitool invocations, in order. <c>-C 3</c>: ipmi_sim offers only suite 3 and does not answer
    /// Get Channel Cipher Suites, so without it ipmitool waits ten seconds and sometimes gives up.</summary>
    public static readonly (string Name, string[] Args)[] Scenarios =
    [
        ("normal", ["-I", "lanplus", "-U", IpmiSimulator.User, "-P", IpmiSimulator.Password, "-C", "3", "mc", "info"]),
        ("wrong-password", ["-I", "lanplus", "-U", IpmiSimulator.User, "-P", "not-the-password", "-C", "3", "mc", "info"]),
        ("cipher-0", ["-I", "lanplus", "-U", IpmiSimulator.User, "-P", IpmiSimulator.Password, "-C", "0", "mc", "info"]),
        ("unsupported-suite", ["-I", "lanplus", "-U", IpmiSimulator.User, "-P", IpmiSimulator.Password, "-C", "17", "mc", "info"]),
        ("v15-none", ["-I", "lan", "-U", IpmiSimulator.User, "-P", IpmiSimulator.Password, "-A", "NONE", "mc", "info"]),
        ("v15-password", ["-I", "lan", "-U", IpmiSimulator.User, "-P", IpmiSimulator.Password, "-A", "PASSWORD", "mc", "info"]),
        ("null-user", ["-I", "lanplus", "-U", "", "-P", IpmiSimulator.Password, "-C", "3", "mc", "info"]),
    ];

    public IpmiSimulatorRuns()
    {
        if (IpmiSimulator.UnavailableReason() is not null)
        {
            return;
        }

        using var sim = new IpmiSimulator();
        foreach (var (name, args) in Scenarios)
        {
            var start = Now();
            var (exit, output) = sim.Ipmitool(args);
            Thread.Sleep(50);
            Windows[name] = (start, Now(), exit, output);
            Thread.Sleep(200);
        }

        Capture = File.ReadAllBytes(sim.StopCapture());
        Run = AnalyzeWithOutputs.File(TempFiles.Write(Capture));
    }

    public Dictionary<string, (long Start, long End, int ExitCode, string Output)> Windows { get; } = [];

    public byte[] Capture { get; } = [];

    public AnalyzeWithOutputs.Result? Run { get; }

    public IReadOnlyList<FlowSnapshot> FlowsOf(string scenario)
    {
        var (start, end, _, _) = Windows[scenario];
        return [.. Run!.Events.Flows.Where(f => f.Start >= start && f.Start <= end).OrderBy(f => f.Start)];
    }

    public IReadOnlyList<AlertEvent> AlertsOf(string scenario)
    {
        var (start, end, _, _) = Windows[scenario];
        return [.. Run!.Events.Alerts.Where(a => a.Timestamp >= start && a.Timestamp <= end)];
    }

    public void Dispose()
    {
    }

    private static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
