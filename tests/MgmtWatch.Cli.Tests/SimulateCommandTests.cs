using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary><c>mgmtwatch simulate</c> as a user runs it: outputs, stderr-only reporting, exit codes.</summary>
public class SimulateCommandTests
{
    private static readonly string[] Small = ["--seed", "4", "--bmcs", "3", "--hours", "0.25", "--pollers", "1"];

    [Fact]
    public void SimulateWritesACaptureAndLabelsAndNothingOnStdout()
    {
        var pcap = TempFiles.Create(".pcap");
        var labels = TempFiles.Create(".csv");
        var run = CliRunner.Run(["simulate", "--out", pcap, "--labels", labels, .. Small, "--attack", "rakp-hash-harvest", "--attack", "snmp-guess"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stdout);
        Assert.Contains("Wrote ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("packets/s", run.Stderr, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(pcap);
        Assert.Equal<byte>([0xD4, 0xC3, 0xB2, 0xA1], bytes[..4]); // classic pcap, microseconds, little-endian
        var rows = LabelsFile.Read(labels);
        Assert.Equal(["c04-rakp-hash-harvest", "c07-snmp-guess"], rows.Select(r => r.Campaign).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void QuietPrintsNothingAtAll()
    {
        var run = CliRunner.Run(["simulate", "-q", "--out", TempFiles.Create(".pcap"), .. Small]);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void TheSameCommandTwiceWritesTheSameBytes()
    {
        var a = TempFiles.Create(".pcap");
        var b = TempFiles.Create(".pcap");
        var la = TempFiles.Create(".csv");
        var lb = TempFiles.Create(".csv");
        Assert.Equal(0, CliRunner.Run(["simulate", "-q", "--out", a, "--labels", la, "--attack", "all", .. Small]).ExitCode);
        Assert.Equal(0, CliRunner.Run(["simulate", "-q", "--out", b, "--labels", lb, "--attack", "all", .. Small]).ExitCode);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(File.ReadAllText(la), File.ReadAllText(lb));
        Assert.Equal(AttackCatalog.Names.Count, LabelsFile.Read(la).Select(r => r.Attack).Distinct().Count());
    }

    [Theory]
    [InlineData("--seed", "1")]                                                       // no --out
    [InlineData("--out", "x.pcap", "--attack", "ping-of-death")]                      // unknown attack
    [InlineData("--out", "x.pcap", "--hours", "0")]
    [InlineData("--out", "x.pcap", "--hours", "many")]
    [InlineData("--out", "x.pcap", "--bmcs", "0")]
    [InlineData("--out", "x.pcap", "--start", "last tuesday")]
    [InlineData("--out", "x.pcap", "--attack-start-hour", "9", "--hours", "1")]
    [InlineData("--out", "x.pcap", "--bulk-scale", "2")]
    [InlineData("--out", "x.pcap", "--attack", "dns-tunnel", "--attack", "dns-tunnel", "--no-such-option")]
    public void UsageErrorsExitWith2AndSayWhy(params string[] args)
    {
        var dir = Path.GetDirectoryName(TempFiles.Create())!;
        Directory.CreateDirectory(dir);
        var run = CliRunner.RunIn(dir, TimeSpan.FromMinutes(1), ["simulate", .. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("mgmtwatch", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "x.pcap")), "a usage error must not leave an output behind");
    }

    [Fact]
    public void UnknownAttackNamesTheKnownOnes()
    {
        var run = CliRunner.Run("simulate", "--out", TempFiles.Create(".pcap"), "--attack", "ping-of-death");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown attack 'ping-of-death'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("rakp-hash-harvest", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnwritableOutputExitsWith2WithAClearMessage()
    {
        var run = CliRunner.Run(["simulate", "--out", "/nonexistent-dir/sim.pcap", .. Small]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot write /nonexistent-dir/sim.pcap", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);

        var labels = CliRunner.Run(["simulate", "--out", TempFiles.Create(".pcap"), "--labels", "/nonexistent-dir/l.csv", .. Small]);
        Assert.Equal(2, labels.ExitCode);
        Assert.Contains("cannot write /nonexistent-dir/l.csv", labels.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpListsTheAttacks()
    {
        var run = CliRunner.Run("simulate", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--attack", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("firmware-push-unusual", run.Stdout, StringComparison.Ordinal);
    }
}
