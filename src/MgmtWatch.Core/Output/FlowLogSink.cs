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

        // The writer starts the record with its first column; the rest is appended (see JsonLinesWriter).
        w.WriteStartObject();
        w.WritePropertyName(Ts);
        w.WriteRawValue(buffer[..PacketTime.WriteSeconds(flow.Start, buffer)], skipInputValidation: true);
        _out.AppendString("uid"u8, flow.UidUtf8);
        _out.AppendString("id.orig_h"u8, buffer[..flow.OrigHost.FormatUtf8(buffer)]);
        _out.AppendNumber("id.orig_p"u8, flow.OrigPort);
        _out.AppendString("id.resp_h"u8, buffer[..flow.RespHost.FormatUtf8(buffer)]);
        _out.AppendNumber("id.resp_p"u8, flow.RespPort);
        _out.AppendString("proto"u8, IpProtocol.ZeekName(flow.Protocol));
        if (flow.Service is not null)
        {
            _out.AppendString("service"u8, flow.Service);
        }

        // Zeek sets duration and the byte counts only for flows that lasted (conn/main.zeek set_conn).
        var duration = flow.End - flow.Start;
        if (duration > 0)
        {
            _out.AppendRawValue("duration"u8, buffer[..PacketTime.WriteSeconds(duration, buffer)]);
            _out.AppendNumber("orig_bytes"u8, flow.OrigBytes);
            _out.AppendNumber("resp_bytes"u8, flow.RespBytes);
        }

        _out.AppendString("conn_state"u8, flow.ConnState);
        _out.AppendNumber("missed_bytes"u8, flow.MissedBytes);
        if (flow.HistoryUtf8.Length > 0)
        {
            _out.AppendString("history"u8, flow.HistoryUtf8);
        }

        _out.AppendNumber("orig_pkts"u8, flow.OrigPackets);
        _out.AppendNumber("orig_ip_bytes"u8, flow.OrigIpBytes);
        _out.AppendNumber("resp_pkts"u8, flow.RespPackets);
        _out.AppendNumber("resp_ip_bytes"u8, flow.RespIpBytes);
        _out.AppendNumber("ip_proto"u8, flow.Protocol);
        _out.AppendString("community_id"u8, flow.CommunityIdUtf8);
        _out.AppendNumber("mgmtwatch.flow_id"u8, flow.FlowId);
        if (flow.Score is { } score)
        {
            ScoreNumber.Append(_out, "mgmtwatch.score"u8, score);
        }

        if (flow.ModelId is not null)
        {
            _out.AppendString("mgmtwatch.model_id"u8, flow.ModelId);
        }

        _out.AppendBoolean("mgmtwatch.alerted"u8, flow.Alerted);
        if (flow.Reason == Flows.FlowEndReason.Interim)
        {
            _out.AppendBoolean("mgmtwatch.interim"u8, true);
        }

        _out.WriteStringProperties("mgmtwatch."u8, flow.Fields);

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
