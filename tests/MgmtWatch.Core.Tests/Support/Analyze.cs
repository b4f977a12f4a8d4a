using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Runs the real pipeline over capture files and collects what it emits.</summary>
public static class Analyze
{
    public static (CollectingSink Events, RunSummary Summary) Files(IReadOnlyList<string> paths, PipelineOptions? options = null, MergeOrder order = MergeOrder.Time)
    {
        var sink = new CollectingSink();
        var pipeline = new AnalysisPipeline(options ?? new PipelineOptions(), sink);
        using var source = new CaptureFileSet(paths, order);
        PacketLoop.Run(source, pipeline);
        return (sink, pipeline.Summary);
    }

    public static (CollectingSink Events, RunSummary Summary) File(string path, PipelineOptions? options = null) => Files([path], options);

    public static (CollectingSink Events, RunSummary Summary) Capture(PcapBuilder builder, PipelineOptions? options = null) =>
        File(builder.WriteTemp(), options);
}
