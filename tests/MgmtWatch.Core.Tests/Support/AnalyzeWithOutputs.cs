using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// Runs the real pipeline over a capture into the real EVE and flow-log writers as well as a
/// <see cref="CollectingSink"/>, so that tests can search the written text (for credentials that must never
/// appear) and reason about the events.
/// </summary>
public static class AnalyzeWithOutputs
{
    /// <summary>A fixed fingerprint key: fingerprints are comparable between runs of a test.</summary>
    public static readonly CredentialFingerprinter Fingerprinter = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public sealed record Result(CollectingSink Events, RunSummary Summary, string Eve, string FlowLog);

    public static Result File(string path, PipelineOptions? options = null)
    {
        var collecting = new CollectingSink();
        var eve = TempFiles.Create(".json");
        var flows = TempFiles.Create(".log");
        RunSummary summary;
        using (var sink = new FanOutSink(collecting, new EveJsonSink(eve), new FlowLogSink(flows)))
        {
            var pipeline = new AnalysisPipeline(options ?? new PipelineOptions { Fingerprinter = Fingerprinter }, sink);
            using var source = new CaptureFileSet([path], MergeOrder.Time);
            PacketLoop.Run(source, pipeline);
            summary = pipeline.Summary;
        }

        return new Result(collecting, summary, System.IO.File.ReadAllText(eve), System.IO.File.ReadAllText(flows));
    }

    public static Result Capture(PcapBuilder builder, PipelineOptions? options = null) => File(builder.WriteTemp(), options);
}
