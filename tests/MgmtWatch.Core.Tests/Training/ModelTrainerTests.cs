using System.Text.Json;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using MgmtWatch.Core.Tests.Support;
using MgmtWatch.Core.Training;

namespace MgmtWatch.Core.Tests.Training;

public class ModelTrainerTests
{
    private static JsonElement Manifest(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ModelFiles.Manifest))).RootElement;

    [Fact]
    public void SameInputsAndSeedGiveByteIdenticalModelFiles()
    {
        var capture = SiteCapture.Build(seed: 4, minutes: 40).WriteTemp();
        var a = TestModels.Train(capture);
        var b = TestModels.Train(capture);
        foreach (var file in new[] { ModelFiles.Model, ModelFiles.Manifest, ModelFiles.Baseline })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        }
    }

    [Fact]
    public void DifferentSeedGivesADifferentModelId()
    {
        var capture = SiteCapture.Build(seed: 4, minutes: 40).WriteTemp();
        var a = Manifest(TestModels.Train(capture, new TrainingOptions { Seed = 1 }));
        var b = Manifest(TestModels.Train(capture, new TrainingOptions { Seed = 2 }));
        Assert.NotEqual(a.GetProperty("model_id").GetString(), b.GetProperty("model_id").GetString());
    }

    [Fact]
    public void ManifestRecordsWhatStyleSectionSevenAsksFor()
    {
        var m = Manifest(TestModels.Site);
        Assert.StartsWith("bmc-", m.GetProperty("model_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(Core.Features.FeatureSchema.Version, m.GetProperty("feature_schema_version").GetInt32());
        Assert.Equal(Core.Features.FeatureSchema.Names, m.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("RandomizedPca", m.GetProperty("trainer").GetProperty("name").GetString());
        Assert.Equal(64, m.GetProperty("training_inputs")[0].GetProperty("sha256").GetString()!.Length);
        Assert.Matches("percentile|maximum", m.GetProperty("threshold").GetProperty("derivation").GetString());
        Assert.True(m.GetProperty("metrics").GetProperty("fit_flows").GetDouble() > 0);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.01)]
    public void ThresholdLeavesAboutTheTargetShareOfBaselineFlowsAbove(double rate)
    {
        var capture = SiteCapture.Build(seed: 4, minutes: 60).WriteTemp();
        var m = Manifest(TestModels.Train(capture, new TrainingOptions { TargetRate = rate }));
        var held = m.GetProperty("metrics").GetProperty("holdout_flows").GetDouble();
        var above = m.GetProperty("metrics").GetProperty("holdout_above_threshold").GetDouble();
        Assert.InRange(above, 0, Math.Ceiling(rate * held) + 1);
    }

    [Fact]
    public void TooSmallABaselineIsRefused()
    {
        var capture = SiteCapture.Build(seed: 4, minutes: 2, bmcs: 1).WriteTemp();
        Assert.Throws<InvalidDataException>(() => TestModels.Train(capture));
    }

    [Fact]
    public void AnotherDayOfTheSameSiteScoresMostlyBelowTheThreshold()
    {
        var model = AnomalyModel.Load(TestModels.Site);
        var day = SiteCapture.Build(seed: 9, minutes: 60, startSeconds: 86_400).WriteTemp();
        var (events, _) = Analyze.File(day, new PipelineOptions { Scorer = new ModelScorer(model) });
        var modelAlerts = events.Alerts.Count(a => a.SignatureId == Signatures.ModelAnomaly.Id);
        Assert.InRange(modelAlerts, 0, 2);
    }

    [Fact]
    public void ImplantBeaconFromABmcRaisesAnExplainedModelAlert()
    {
        var model = AnomalyModel.Load(TestModels.Site);
        var b = SiteCapture.Build(seed: 9, minutes: 60, startSeconds: 86_400);
        var implant = SiteCapture.Bmc(2);
        for (var i = 0; i < 12; i++)
        {
            var t = 86_400 + 100 + (i * 300) + (i % 3);
            var port = (ushort)(45000 + i);
            b.Add(t, Frames.Tcp(implant, port, "203.0.113.77", 443, Frames.Syn, seq: 1));
            b.Add(t + 0.05, Frames.Tcp("203.0.113.77", 443, implant, port, Frames.Syn | Frames.Ack, seq: 9, ack: 2));
            b.Add(t + 0.06, Frames.Tcp(implant, port, "203.0.113.77", 443, Frames.Ack | Frames.Psh, seq: 2, ack: 10, payload: new byte[310]));
            b.Add(t + 0.11, Frames.Tcp("203.0.113.77", 443, implant, port, Frames.Ack | Frames.Psh, seq: 10, ack: 312, payload: new byte[120]));
            b.Add(t + 0.12, Frames.Tcp(implant, port, "203.0.113.77", 443, Frames.Fin | Frames.Ack, seq: 312, ack: 130));
            b.Add(t + 0.17, Frames.Tcp("203.0.113.77", 443, implant, port, Frames.Fin | Frames.Ack, seq: 130, ack: 313));
        }

        var capture = b.WriteTemp();
        var (events, _) = Analyze.File(capture, new PipelineOptions { Scorer = new ModelScorer(model) });
        var alerts = events.Alerts.Where(a => a.SignatureId == Signatures.ModelAnomaly.Id && a.Source.ToString() == implant).ToList();
        var alert = Assert.Single(alerts); // one incident, not one alert per connection
        Assert.Equal("203.0.113.77", alert.Destination.ToString());
        Assert.Contains("a BMC", alert.Description, StringComparison.Ordinal);
        Assert.NotNull(alert.Evidence);
        Assert.Equal(3, alert.Evidence!.Count);
        Assert.True(alert.Score > alert.Threshold);
        Assert.Equal(model.ModelId, alert.ModelId);
    }
}
