using System.Diagnostics;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests.Support;

/// <summary>Debian's ipmi_sim (openipmi) as a BMC on UDP 623, inside a namespace the test created.</summary>
public sealed class IpmiSimulator : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private IpmiSimulator(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public static IpmiSimulator Start(string ns, string address, int port = 623)
    {
        var dir = TempFiles.Create("-bmc");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "lan.conf"), $"""
            name "test-bmc"
            set_working_mc 0x20
              startlan 1
                addr {address} {port}
                priv_limit admin
                allowed_auths_callback none md2 md5 straight
                allowed_auths_user none md2 md5 straight
                allowed_auths_operator none md2 md5 straight
                allowed_auths_admin none md2 md5 straight
                guid a123456789abcdefa123456789abcdef
              endlan
              serial 15 localhost 9002 codec VM
              startcmd "true"
              startnow false
              user 1 true  ""        "test" user     10       none md2 md5 straight
              user 2 true  "ipmiusr" "test" admin    10       none md2 md5 straight
            """);
        File.WriteAllText(Path.Combine(dir, "sim.emu"), """
            mc_setbmc 0x20
            mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
            sel_enable 0x20 1000 0x0a
            mc_enable 0x20
            """);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in new[] { "netns", "exec", ns, "ipmi_sim", "-c", "lan.conf", "-f", "sim.emu", "-n", "-s", Path.Combine(dir, "state") })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();

        // ipmi_sim needs a moment before it answers (docs/ipmi-sim.md): wait until its UDP port is bound.
        var ready = Stopwatch.StartNew();
        var needle = $"{address}:{port}";
        while (ready.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (LiveNetwork.Exec(ns, ["ss", "-uln"]).Stdout.Contains(needle, StringComparison.Ordinal))
            {
                Thread.Sleep(200);
                return new IpmiSimulator(process, dir);
            }

            Thread.Sleep(100);
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"ipmi_sim did not bind {needle} within 20 s");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        _ = _directory;
    }
}
