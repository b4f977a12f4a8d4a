using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// <c>analyze --threads 2</c> runs rules, incidents and output writing on a second thread. Its EVE and flow log
/// must be the one-thread run's byte for byte, on captures that exercise every kind of event the two
/// stages exchange: analyzer and rule alerts, model alerts, anomalies, interim records of long flows, and
/// flows evicted from a full table (with their alert); and gzip input, which a two-thread run inflates on a third thread.
/// <c>evaluate</c> and <c>train</c> on two threads give the one-thread report and model.
/// </summary>
public class AnalyzeThreadsTests
{
    public static TheoryData<string> Cases => ["repository captures, shipped model", "attacks, full flow table, interim records", "zeek-tsv flow log", "gzip input, one file damaged"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoThreadsWriteWhatOneThreadWrites(string name)
    {
        var attacks = Path.Combine(RepoPaths.Pcaps, "sim-attacks.pcap");
        string[] args = name switch
        {
            "repository captures, shipped model" => [.. RepoPaths.RepoCaptures(), "--order", "given"],
            "attacks, full flow table, interim records" => [attacks, "--max-flows", "40", "--timeout", "interim=60", "--timeout", "udp=20"],
            "zeek-tsv flow log" => [attacks, "--flow-format", "zeek-tsv", "--no-model"],
            // Two threads inflate on a thread of their own (ReadAheadStream): the damaged file must end at the same packet.
            _ => [Gzip(attacks, damage: false), Gzip(Path.Combine(RepoPaths.Pcaps, "sim-baseline.pcap"), damage: true), "--order", "given"],
        };

        var one = Analyze(args, threads: 1);
        var two = Analyze(args, threads: 2);
        Assert.Equal(one.ExitCode, two.ExitCode);
        Assert.Equal(name.StartsWith("gzip", StringComparison.Ordinal) ? 3 : 0, one.ExitCode); // 3: a capture was cut short
        Assert.True(one.Eve.Length > 1000, "the run wrote almost nothing: the comparison would prove nothing");
        AssertSameBytes(one.Eve, two.Eve, name + ": EVE");
        AssertSameBytes(one.Flows, two.Flows, name + ": flow log");
        if (name.StartsWith("attacks", StringComparison.Ordinal))
        {
            var eve = System.Text.Encoding.UTF8.GetString(one.Eve);
            Assert.Contains("\"signature_id\":9108007", eve, StringComparison.Ordinal); // the full table's alert
            Assert.Contains("\"reason\":\"interim\"", eve, StringComparison.Ordinal);
            Assert.Contains("\"signature_id\":9100001", eve, StringComparison.Ordinal); // the model's
        }
    }

    [SkippableFact]
    public void TwoThreadsWriteWhatOneThreadWritesOnThePublicCaptures()
    {
        RepoPaths.SkipUnlessShared();
        foreach (var malformed in new[] { false, true })
        {
            var captures = RepoPaths.SharedCaptures(includeMalformed: malformed)
                .Where(f => malformed == f.Contains($"{Path.DirectorySeparatorChar}malformed{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .ToArray();
            Assert.NotEmpty(captures);
            string[] args = [.. captures, "--order", "given", "--no-model"];
            var one = Analyze(args, threads: 1);
            var two = Analyze(args, threads: 2);
            Assert.Equal(one.ExitCode, two.ExitCode);
            AssertSameBytes(one.Eve, two.Eve, $"public captures (malformed: {malformed}): EVE");
            AssertSameBytes(one.Flows, two.Flows, $"public captures (malformed: {malformed}): flow log");
        }
    }

    [Fact]
    public void EvaluateGivesTheSameReportOnTwoThreads()
    {
        string[] args = ["evaluate", "--model", Path.Combine("models", "default"), "--labels", Path.Combine("pcaps", "sim-attacks.labels.csv"), Path.Combine("pcaps", "sim-attacks.pcap"), "-q"];
        var one = CliRunner.Run([.. args, "--threads", "1"]);
        var two = CliRunner.Run([.. args, "--threads", "2"]);
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.Contains("\"campaigns_caught\"", one.Stdout, StringComparison.Ordinal);
        Assert.Equal(one.Stdout, two.Stdout);
    }

    [Fact]
    public void TrainWritesTheSameModelOnTwoThreads()
    {
        // From gzip, so the two-thread run also inflates on a thread of its own.
        var capture = Gzip(Path.Combine(RepoPaths.Pcaps, "sim-baseline.pcap"), damage: false);
        string Train(int threads)
        {
            var dir = TempFiles.Create();
            var run = CliRunner.Run("train", capture, "-o", dir, "-q", "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(run.ExitCode == 0, run.Stderr);
            return dir;
        }

        var one = Train(1);
        var two = Train(2);
        foreach (var file in new[] { "model.json", "model.zip", "baseline.json" })
        {
            AssertSameBytes(File.ReadAllBytes(Path.Combine(one, file)), File.ReadAllBytes(Path.Combine(two, file)), "train: " + file);
        }
    }

    [Fact]
    public void ThreadsBelowOneAreAUsageError()
    {
        var run = CliRunner.Run("analyze", Path.Combine(RepoPaths.Pcaps, "tls-openssl.pcap"), "--threads", "0", "-q");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--threads must be at least 1", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A gzip copy of a capture, optionally damaged in the middle.</summary>
    private static string Gzip(string capture, bool damage)
    {
        var gz = Gzipped.Compress(File.ReadAllBytes(capture));
        return TempFiles.Write(damage ? Gzipped.DamagedInTheMiddle(gz) : gz, ".pcap.gz");
    }

    private static (int ExitCode, byte[] Eve, byte[] Flows) Analyze(string[] args, int threads)
    {
        var eve = TempFiles.Create(".json");
        var flows = TempFiles.Create(".log");
        var run = CliRunner.Run(["analyze", .. args, "-o", eve, "--flows", flows, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "--no-progress"]);
        Assert.True(run.ExitCode is 0 or 3, run.Stderr);
        return (run.ExitCode, File.ReadAllBytes(eve), File.ReadAllBytes(flows));
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var at = expected.AsSpan().CommonPrefixLength(actual);
        var line = expected.AsSpan(0, at).Count((byte)'\n') + 1;
        Assert.Fail($"{what}: the two-thread result differs from the one-thread result at byte {at} (line {line}); lengths {expected.Length} and {actual.Length}");
    }
}
