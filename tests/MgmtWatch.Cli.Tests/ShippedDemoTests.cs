using System.Text.Json;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// The README's first command: <c>analyze pcaps/sim-attacks.pcap</c> from the repository root scores with
/// the shipped <c>models/default</c> (no --model given) and shows alerts; <c>evaluate</c> on the shipped
/// pair catches every campaign of the labels file.
/// </summary>
public class ShippedDemoTests
{
    private static readonly string Attacks = Path.Combine("pcaps", "sim-attacks.pcap");

    [Fact]
    public void AnalyzeWithoutModelUsesTheShippedDefaultAndRaisesModelAndRuleAlerts()
    {
        var run = CliRunner.Run("analyze", Attacks, "--no-flow-events", "-q");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr); // no drift warning: the attacks add conversations, the site's own are all there

        var modelId = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "models", "default", "model.json"))).RootElement.GetProperty("model_id").GetString();
        var alerts = Schemas.Lines(run.Stdout).Where(e => e.GetProperty("event_type").GetString() == "alert").ToList();
        var anomalies = alerts.Where(a => a.GetProperty("alert").GetProperty("signature_id").GetInt32() == 9100001).ToList();
        Assert.NotEmpty(anomalies);
        Assert.All(anomalies, a => Assert.Equal(modelId, a.GetProperty("mgmtwatch").GetProperty("model_id").GetString()));
        Assert.Contains(alerts, a => a.GetProperty("alert").GetProperty("signature_id").GetInt32() != 9100001);
    }

    [Fact]
    public void EvaluateOnTheShippedPairCatchesEveryCampaign()
    {
        var run = CliRunner.Run("evaluate", "--model", Path.Combine("models", "default"), "--labels", Path.Combine("pcaps", "sim-attacks.labels.csv"), Attacks, "-q");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var report = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(10, report.GetProperty("campaigns").GetArrayLength());
        Assert.Equal(10, report.GetProperty("campaigns_caught").GetInt32());
        Assert.True(report.GetProperty("roc_auc_model").GetDouble() >= 0.99, run.Stdout);
    }

    [Fact]
    public void AnotherSiteAgainstTheDefaultModelIsReportedAsDrift()
    {
        var other = TempFiles.Create(".pcap");
        Assert.Equal(0, CliRunner.Run("simulate", "-q", "--out", other, "--seed", "36", "--bmcs", "8", "--hours", "0.5").ExitCode);
        var run = CliRunner.Run("analyze", other, "-o", "none", "-q");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("drifted from the model's baseline", run.Stderr, StringComparison.Ordinal);
    }
}
