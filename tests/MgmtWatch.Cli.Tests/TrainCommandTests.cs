using System.Text.Json;
using System.Text.Json.Nodes;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

public class TrainCommandTests
{
    private static readonly Lazy<string> Baseline = new(() => SiteCapture.Build(seed: 1, minutes: 60).WriteTemp());

    private static string Key()
    {
        var path = TempFiles.Create(".key");
        File.WriteAllBytes(path, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        return path;
    }

    [Fact]
    public void TrainWritesTheModelDirectoryAndPrintsModelJsonWithoutThePcaAxesOnStdout()
    {
        var dir = TempFiles.Create("-model");
        var run = CliRunner.Run("train", Baseline.Value, "--out", dir, "--fingerprint-key", Key());
        Assert.True(run.ExitCode == 0, run.Stderr);
        var printed = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.StartsWith("bmc-", printed["model_id"]!.GetValue<string>(), StringComparison.Ordinal);

        // Everything model.json says but the axes, which are the model itself (hundreds of numbers).
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "model.json")))!.AsObject();
        Assert.Equal(10, file["pca"]!["axes"]!.AsArray().Count);
        Assert.False(printed.ContainsKey("pca"));
        file.Remove("pca");
        Assert.True(JsonNode.DeepEquals(file, printed), run.Stdout);
        Assert.Equal(file.Select(p => p.Key), printed.Select(p => p.Key));
        Assert.InRange(run.Stdout.Split('\n').Length, 50, 300);
        Assert.True(File.Exists(Path.Combine(dir, "model.zip")));
        Assert.True(File.Exists(Path.Combine(dir, "baseline.json")));
        Assert.Contains("Trained on", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainRefusesToOverwriteAModelWithoutForce()
    {
        var dir = TempFiles.Create("-model");
        Assert.Equal(0, CliRunner.Run("train", Baseline.Value, "--out", dir, "-q").ExitCode);
        var again = CliRunner.Run("train", Baseline.Value, "--out", dir, "-q");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("train", Baseline.Value, "--out", dir, "-q", "--force").ExitCode);
    }

    [Fact]
    public void TrainOnABrokenCaptureExitsWith3AndWritesNoModel()
    {
        var dir = TempFiles.Create("-model");
        var bytes = File.ReadAllBytes(Baseline.Value);
        var cut = TempFiles.Write(bytes[..^7]);
        var run = CliRunner.Run("train", cut, "--out", dir);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("no model written", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "model.json")));
    }

    [Fact]
    public void AnalyzeWithMissingModelExitsWith3()
    {
        var run = CliRunner.Run("analyze", "pcaps/ipmi-sim-sessions.pcap", "--model", "/nonexistent/model");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("does not exist", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void AnalyzeWithATamperedModelExitsWith3()
    {
        var dir = TempFiles.Create("-model");
        Assert.Equal(0, CliRunner.Run("train", Baseline.Value, "--out", dir, "-q").ExitCode);
        File.AppendAllText(Path.Combine(dir, "baseline.json"), " ");
        var run = CliRunner.Run("analyze", "pcaps/ipmi-sim-sessions.pcap", "--model", dir);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("does not match the hash", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnalyzeWithAModelScoresEveryFlow()
    {
        var dir = TempFiles.Create("-model");
        Assert.Equal(0, CliRunner.Run("train", Baseline.Value, "--out", dir, "-q").ExitCode);
        var flows = TempFiles.Create(".log");
        var day = SiteCapture.Build(seed: 2, minutes: 20, startSeconds: 86_400).WriteTemp();
        var run = CliRunner.Run("analyze", day, "--model", dir, "--eve", "none", "--flows", flows);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var records = File.ReadAllLines(flows).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(records);
        Assert.All(records, r =>
        {
            Assert.True(r.GetProperty("mgmtwatch.score").GetDouble() >= 0);
            Assert.StartsWith("bmc-", r.GetProperty("mgmtwatch.model_id").GetString(), StringComparison.Ordinal);
        });
        foreach (var line in File.ReadAllLines(flows))
        {
            Schemas.AssertConn(line);
        }
    }
}
