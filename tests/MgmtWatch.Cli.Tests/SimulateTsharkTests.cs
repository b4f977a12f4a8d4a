using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// tshark is the outside oracle for the simulator's bytes: it dissects every frame without a malformed
/// packet or an expert error, with IP, TCP and UDP checksum validation switched on.
/// </summary>
public class SimulateTsharkTests
{
    public static TheoryData<int, int> Sites() => new()
    {
        { 11, 14 }, // the labels-precision site, afternoon UTC
        { 5, 9 },   // another site in another time zone, with its admins at work
    };

    [SkippableTheory]
    [MemberData(nameof(Sites))]
    public void TsharkFindsNoMalformedPacketsOrExpertErrors(int seed, int hour)
    {
        CliRunner.SkipUnlessTool("tshark");
        var options = Simulated.SmallAttackSite(seed);
        options = new SimulationOptions
        {
            Seed = options.Seed,
            Bmcs = 10,
            Pollers = 3,
            Start = new DateTimeOffset(2026, 3, 3, hour, 0, 0, TimeSpan.Zero),
            Duration = options.Duration,
            Attacks = options.Attacks,
            AttackStart = options.AttackStart,
            BulkScale = options.BulkScale,
        };
        var (pcap, _, _) = Simulated.Write(options);
        var run = CliRunner.Tool("tshark", "-n", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-r", pcap, "-Y", "_ws.malformed || _ws.expert.severity >= error")!;
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stdout);

        // And it recognised the protocols the simulator claims to speak.
        var hierarchy = CliRunner.Tool("tshark", "-n", "-r", pcap, "-q", "-z", "io,phs")!.Stdout;
        foreach (var protocol in new[] { "rmcp", "asf", "ipmi_session", "snmp", "ntp", "dns", "tls", "ssh", "http", "icmp", "arp" })
        {
            Assert.Contains(" " + protocol + " ", " " + hierarchy.Replace("\n", " ", StringComparison.Ordinal) + " ", StringComparison.Ordinal);
        }
    }
}
