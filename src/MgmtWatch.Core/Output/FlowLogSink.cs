using System.Text.Json;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>
/// Writes flows as Zeek conn.log JSON (Zeek's JSON writer conventions: dotted keys, <c>ts</c> in epoch
/// seconds, unset fields omitted), columns in Zeek's order, MgmtWatch's own fields last as <c>mgmtwatch.*</c>.
/// </summary>
public sealed class FlowLogSink : IEventSink
{
    private static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText UidName = JsonEncodedText.Encode("uid");
    private static readonly JsonEncodedText OrigH = JsonEncodedText.Encode("id.orig_h");
    private static readonly JsonEncodedText OrigP = JsonEncodedText.Encode("id.orig_p");
    private static readonly JsonEncodedText RespH = JsonEncodedText.Encode("id.resp_h");
    private static readonly JsonEncodedText RespP = JsonEncodedText.Encode("id.resp_p");

    private readonly JsonLinesWriter _out;

    /// <summary>Writes to <paramref name="path"/> ("-" for standard output).</summary>
    public FlowLogSink(string path, bool append = false) => _out = new JsonLinesWriter(path, append);

    /// <summary>Writes to an existing writer.</summary>
    public FlowLogSink(JsonLinesWriter writer) => _out = writer;

    /// <summary>The underlying writer (for reopening after rotation).</summary>
    public JsonLinesWriter Writer => _out;

    /// <inheritdoc/>
    public void Emit(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var w = _out.Begin();
        Span<byte> buffer = stackalloc byte[64];
        w.WriteStartObject();
        w.WritePropertyName(Ts);
        w.WriteRawValue(buffer[..PacketTime.WriteSeconds(flow.Start, buffer)], skipInputValidation: true);
        w.WriteString(UidName, flow.UidUtf8);
        w.WriteString(OrigH, buffer[..flow.OrigHost.FormatUtf8(buffer)]);
        w.WriteNumber(OrigP, flow.OrigPort);
        w.WriteString(RespH, buffer[..flow.RespHost.FormatUtf8(buffer)]);
        w.WriteNumber(RespP, flow.RespPort);
        w.WriteString("proto", IpProtocol.ZeekName(flow.Protocol));
        if (flow.Service is not null)
        {
            w.WriteString("service", flow.Service);
        }

        // Zeek sets duration and the byte counts only for flows that lasted (conn/main.zeek set_conn).
        var duration = flow.End - flow.Start;
        if (duration > 0)
        {
            w.WritePropertyName("duration");
            w.WriteRawValue(buffer[..PacketTime.WriteSeconds(duration, buffer)], skipInputValidation: true);
            w.WriteNumber("orig_bytes", flow.OrigBytes);
            w.WriteNumber("resp_bytes", flow.RespBytes);
        }

        w.WriteString("conn_state", flow.ConnState);
        w.WriteNumber("missed_bytes", flow.MissedBytes);
        if (flow.HistoryUtf8.Length > 0)
        {
            w.WriteString("history", flow.HistoryUtf8);
        }

        w.WriteNumber("orig_pkts", flow.OrigPackets);
        w.WriteNumber("orig_ip_bytes", flow.OrigIpBytes);
        w.WriteNumber("resp_pkts", flow.RespPackets);
        w.WriteNumber("resp_ip_bytes", flow.RespIpBytes);
        w.WriteNumber("ip_proto", flow.Protocol);
        w.WriteString("community_id", flow.CommunityIdUtf8);
        w.WriteNumber("mgmtwatch.flow_id", flow.FlowId);
        if (flow.Score is { } score)
        {
            ScoreNumber.Write(w, "mgmtwatch.score", score);
        }

        if (flow.ModelId is not null)
        {
            w.WriteString("mgmtwatch.model_id", flow.ModelId);
        }

        w.WriteBoolean("mgmtwatch.alerted", flow.Alerted);
        if (flow.Reason == Flows.FlowEndReason.Interim)
        {
            w.WriteBoolean("mgmtwatch.interim", true);
        }

        foreach (var (name, value) in flow.Fields)
        {
            w.WriteString("mgmtwatch." + name, value);
        }

        w.WriteEndObject();
        _out.End();
    }

    /// <inheritdoc/>
    public void Emit(AnomalyEvent anomaly)
    {
    }

    /// <inheritdoc/>
    public void Emit(AlertEvent alert)
    {
    }

    /// <inheritdoc/>
    public void Emit(StatsEvent stats)
    {
    }

    /// <inheritdoc/>
    public void Flush() => _out.Flush();

    /// <inheritdoc/>
    public void Dispose() => _out.Dispose();
}
