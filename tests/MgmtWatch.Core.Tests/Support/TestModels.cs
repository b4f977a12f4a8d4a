using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Training;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Trains models on SiteCapture baselines through the real pipeline and trainer.</summary>
public static class TestModels
{
    private static readonly Lazy<string> SiteModel = new(() => Train(SiteCapture.Build(seed: 1, minutes: 90).WriteTemp()));

    /// <summary>A model of the SiteCapture site (seed 1, 90 minutes), trained once per test run.</summary>
    public static string Site => SiteModel.Value;

    public static IReadOnlyList<Core.Output.FlowRecord> Flows(string capture)
    {
        var collector = new FlowCollector();
        var pipeline = new AnalysisPipeline(new PipelineOptions { Scorer = collector }, new CollectingSink());
        using var source = new Core.Capture.CaptureFileSet([capture], Core.Capture.MergeOrder.Time);
        PacketLoop.Run(source, pipeline);
        return collector.Flows;
    }

    public static string Train(string capture, TrainingOptions? options = null, string? directory = null)
    {
        directory ??= TempFiles.Create("-model");
        ModelTrainer.TrainAndSave(Flows(capture), options ?? new TrainingOptions(), directory, [capture], null, "test");
        return directory;
    }
}
