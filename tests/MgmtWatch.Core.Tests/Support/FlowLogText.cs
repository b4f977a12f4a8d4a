using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Runs the real pipeline into the real flow-log and EVE writers and returns what they wrote.</summary>
public static class FlowLogText
{
    public static (string FlowLog, string Eve) Of(string path, PipelineOptions? options = null)
    {
        var flows = TempFiles.Create(".log");
        var eve = TempFiles.Create(".json");
        using (var sink = new FanOutSink([new FlowLogSink(flows), new EveJsonSink(eve)]))
        {
            var pipeline = new AnalysisPipeline(options ?? new PipelineOptions(), sink);
            using var source = new CaptureFileSet([path], MergeOrder.Time);
            PacketLoop.Run(source, pipeline);
        }

        return (File.ReadAllText(flows), File.ReadAllText(eve));
    }
}
