using System.Text.Json;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

public class AnalyzeOutputTests
{
    private const string Fixture = "pcaps/ipmi-sim-sessions.pcap";

    private static string BaselineDirectory(string test) => Path.Combine(RepoPaths.Root, "tests", "MgmtWatch.Cli.Tests", "Baselines", test);

    /// <summary>Compares with the golden file, or rewrites it when MGMTWATCH_UPDATE_BASELINES=1 (review the diff like code).</summary>
    private static void AssertGolden(string test, string name, string actual)
    {
        var path = Path.Combine(BaselineDirectory(test), name);
        if (Environment.GetEnvironmentVariable("MGMTWATCH_UPDATE_BASELINES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"no baseline {path}; run the tests once with MGMTWATCH_UPDATE_BASELINES=1");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void IpmiSimCaptureMatchesItsGoldenEveAndFlowLog()
    {
        var eve = TempFiles.Create(".json");
        var flows = TempFiles.Create(".log");
        var run = CliRunner.Run("analyze", Fixture, "--no-model", "--eve", eve, "--flows", flows);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var eveText = File.ReadAllText(eve);
        var flowText = File.ReadAllText(flows);
        foreach (var line in eveText.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Schemas.AssertEve(line);
        }

        foreach (var line in flowText.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Schemas.AssertConn(line);
        }

        AssertGolden(nameof(IpmiSimCaptureMatchesItsGoldenEveAndFlowLog), "eve.json", eveText);
        AssertGolden(nameof(IpmiSimCaptureMatchesItsGoldenEveAndFlowLog), "flows.log", flowText);
    }

    [Fact]
    public void RereadingACaptureGivesByteIdenticalOutput()
    {
        var a = CliRunner.Run("analyze", Fixture, "--no-model", "-q");
        var b = CliRunner.Run("analyze", Fixture, "--no-model", "-q");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Stdout, b.Stdout);
        Assert.NotEmpty(a.Stdout);
    }

    [Fact]
    public void StdoutCarriesOnlyEveLinesAndTheSummaryGoesToStderr()
    {
        var run = CliRunner.Run("analyze", Fixture, "--no-model");
        Assert.Equal(0, run.ExitCode);
        foreach (var line in run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Schemas.AssertEve(line);
        }

        Assert.Contains("Read 77 packets", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("flows", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void QuietPrintsNothingOnStderrForAGoodCapture()
    {
        var run = CliRunner.Run("analyze", Fixture, "--no-model", "-q", "--eve", "none");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void ZeekTsvFlowLogHasZeeksHeaderAndOneColumnPerField()
    {
        var flows = TempFiles.Create(".log");
        var run = CliRunner.Run("analyze", Fixture, "--no-model", "--eve", "none", "--flows", flows, "--flow-format", "zeek-tsv");
        Assert.Equal(0, run.ExitCode);
        var lines = File.ReadAllLines(flows);
        Assert.Equal("#separator \\x09", lines[0]);
        Assert.Equal("#set_separator\t,", lines[1]);
        Assert.Equal("#empty_field\t(empty)", lines[2]);
        Assert.Equal("#unset_field\t-", lines[3]);
        Assert.Equal("#path\tconn", lines[4]);
        Assert.StartsWith("#open\t", lines[5], StringComparison.Ordinal);
        var fields = lines[6].Split('\t');
        Assert.Equal("#fields", fields[0]);
        Assert.Equal(["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"], fields[1..8]);
        Assert.Equal(fields.Length, lines[7].Split('\t').Length);
        Assert.StartsWith("#close\t", lines[^1], StringComparison.Ordinal);
        var rows = lines.Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(fields.Length - 1, r.Split('\t').Length));

        // The analyzers' fields: one Zeek vector of name=value elements, as in the JSON flow log's mgmtwatch.* keys.
        Assert.Equal("mgmtwatch.fields", fields[^1]);
        Assert.Equal("vector[string]", lines[7].Split('\t')[^1]);
        Assert.Contains(rows, r => r.Split('\t')[^1].Split(',').Contains("ipmi.version=2.0"));
    }

    [Fact]
    public void FlowLogAndEveAgreeOnUidFlowIdAndCommunityId()
    {
        var eve = TempFiles.Create(".json");
        var flows = TempFiles.Create(".log");
        Assert.Equal(0, CliRunner.Run("analyze", Fixture, "--no-model", "--eve", eve, "--flows", flows, "-q").ExitCode);
        var fromEve = Schemas.Lines(File.ReadAllText(eve)).Where(e => e.GetProperty("event_type").GetString() == "flow")
            .Select(e => (e.GetProperty("mgmtwatch").GetProperty("uid").GetString(), e.GetProperty("flow_id").GetUInt64(), e.GetProperty("community_id").GetString()))
            .Order().ToList();
        var fromLog = Schemas.Lines(File.ReadAllText(flows))
            .Select(e => (e.GetProperty("uid").GetString(), e.GetProperty("mgmtwatch.flow_id").GetUInt64(), e.GetProperty("community_id").GetString()))
            .Order().ToList();
        Assert.Equal(fromLog, fromEve);
        Assert.Equal(4, fromLog.Count);
    }

    [Fact]
    public void HelpListsTheAnalyzeVerbAndExitsZero()
    {
        var run = CliRunner.Run("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("analyze", run.Stdout, StringComparison.Ordinal);
        _ = JsonDocument.Parse("{}");
    }
}
