using System.Text;
using System.Text.Json;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// Runs the real pipeline over captures into the real writers (EVE JSON and the Zeek-style flow log) as
/// well as a <see cref="CollectingSink"/>, so a test can read analyzer fields as a user sees them and
/// search every byte written (for credentials that must never appear).
/// </summary>
public sealed class RenderedRun
{
    private RenderedRun(CollectingSink events, RunSummary summary, string eve, string flowLog)
    {
        Events = events;
        Summary = summary;
        Eve = eve;
        FlowLog = flowLog;
        FlowLines = flowLog.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        EveLines = eve.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    public CollectingSink Events { get; }

    public RunSummary Summary { get; }

    /// <summary>Everything written to EVE.</summary>
    public string Eve { get; }

    /// <summary>Everything written to the flow log.</summary>
    public string FlowLog { get; }

    public IReadOnlyList<JsonElement> FlowLines { get; }

    public IReadOnlyList<JsonElement> EveLines { get; }

    /// <summary>EVE and flow log together, for searching.</summary>
    public string AllOutput => Eve + FlowLog;

    /// <summary>Flow-log records whose <c>service</c> is <paramref name="service"/>.</summary>
    public IReadOnlyList<JsonElement> FlowsOf(string service) =>
        FlowLines.Where(f => f.TryGetProperty("service", out var s) && s.GetString() == service).ToList();

    /// <summary>Anomaly events (EVE) of <paramref name="appProto"/>.</summary>
    public IReadOnlyList<string> AnomaliesOf(string appProto) =>
        EveLines.Where(e => e.GetProperty("event_type").GetString() == "anomaly" &&
                            e.GetProperty("anomaly").TryGetProperty("app_proto", out var p) && p.GetString() == appProto)
            .Select(e => e.GetProperty("anomaly").GetProperty("event").GetString()!).ToList();

    public static RenderedRun Of(string path, PipelineOptions? options = null) => Of([path], options);

    public static RenderedRun Of(PcapBuilder builder, PipelineOptions? options = null) => Of([builder.WriteTemp()], options);

    public static RenderedRun Of(IReadOnlyList<string> paths, PipelineOptions? options = null)
    {
        var collecting = new CollectingSink();
        using var eveStream = new MemoryStream();
        using var flowStream = new MemoryStream();
        var eveWriter = new JsonLinesWriter(eveStream);
        var flowWriter = new JsonLinesWriter(flowStream);
        var eve = new EveJsonSink(eveWriter);
        var flows = new FlowLogSink(flowWriter);
        var pipeline = new AnalysisPipeline(options ?? new PipelineOptions(), new FanOutSink(collecting, eve, flows));
        pipeline.SetSources(paths.Select(Path.GetFileName).ToList()!);
        using (var source = new CaptureFileSet(paths, MergeOrder.Time))
        {
            PacketLoop.Run(source, pipeline);
        }

        eve.Flush();
        flows.Flush();
        return new RenderedRun(collecting, pipeline.Summary,
            Encoding.UTF8.GetString(eveStream.ToArray()), Encoding.UTF8.GetString(flowStream.ToArray()));
    }
}

/// <summary>Reading <c>mgmtwatch.*</c> fields of a flow-log record.</summary>
public static class FlowFields
{
    /// <summary>The value of <c>mgmtwatch.<paramref name="name"/></c>, or null.</summary>
    public static string? Field(this JsonElement flow, string name) =>
        flow.TryGetProperty("mgmtwatch." + name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;

    public static ushort RespPort(this JsonElement flow) => flow.GetProperty("id.resp_p").GetUInt16();

    public static ushort OrigPort(this JsonElement flow) => flow.GetProperty("id.orig_p").GetUInt16();
}
