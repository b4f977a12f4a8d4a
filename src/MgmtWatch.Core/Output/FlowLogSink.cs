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
    private static readonly JsonEncodedText ProtoName = JsonEncodedText.Encode("proto");
    private static readonly JsonEncodedText ServiceName = JsonEncodedText.Encode("service");
    private static readonly JsonEncodedText DurationName = JsonEncodedText.Encode("duration");
    private static readonly JsonEncodedText OrigBytesName = JsonEncodedText.Encode("orig_bytes");
    private static readonly JsonEncodedText RespBytesName = JsonEncodedText.Encode("resp_bytes");
    private static readonly JsonEncodedText ConnStateName = JsonEncodedText.Encode("conn_state");
    private static readonly JsonEncodedText MissedBytesName = JsonEncodedText.Encode("missed_bytes");
    private static readonly JsonEncodedText HistoryName = JsonEncodedText.Encode("history");
    private static readonly JsonEncodedText OrigPktsName = JsonEncodedText.Encode("orig_pkts");
    private static readonly JsonEncodedText OrigIpBytesName = JsonEncodedText.Encode("orig_ip_bytes");
    private static readonly JsonEncodedText RespPktsName = JsonEncodedText.Encode("resp_pkts");
    private static readonly JsonEncodedText RespIpBytesName = JsonEncodedText.Encode("resp_ip_bytes");
    private static readonly JsonEncodedText IpProtoName = JsonEncodedText.Encode("ip_proto");
    private static readonly JsonEncodedText CommunityIdName = JsonEncodedText.Encode("community_id");
    private static readonly JsonEncodedText MgmtwatchFlowIdName = JsonEncodedText.Encode("mgmtwatch.flow_id");
    private static readonly JsonEncodedText MgmtwatchScoreName = JsonEncodedText.Encode("mgmtwatch.score");
    private static readonly JsonEncodedText MgmtwatchModelIdName = JsonEncodedText.Encode("mgmtwatch.model_id");
    private static readonly JsonEncodedText MgmtwatchAlertedName = JsonEncodedText.Encode("mgmtwatch.alerted");
    private static readonly JsonEncodedText MgmtwatchInterimName = JsonEncodedText.Encode("mgmtwatch.interim");

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
        w.WriteString(ProtoName, IpProtocol.ZeekName(flow.Protocol));
        if (flow.Service is not null)
        {
            w.WriteString(ServiceName, flow.Service);
        }

        // Zeek sets duration and the byte counts only for flows that lasted (conn/main.zeek set_conn).
        var duration = flow.End - flow.Start;
        if (duration > 0)
        {
            w.WritePropertyName(DurationName);
            w.WriteRawValue(buffer[..PacketTime.WriteSeconds(duration, buffer)], skipInputValidation: true);
            w.WriteNumber(OrigBytesName, flow.OrigBytes);
            w.WriteNumber(RespBytesName, flow.RespBytes);
        }

        w.WriteString(ConnStateName, flow.ConnState);
        w.WriteNumber(MissedBytesName, flow.MissedBytes);
        if (flow.HistoryUtf8.Length > 0)
        {
            w.WriteString(HistoryName, flow.HistoryUtf8);
        }

        w.WriteNumber(OrigPktsName, flow.OrigPackets);
        w.WriteNumber(OrigIpBytesName, flow.OrigIpBytes);
        w.WriteNumber(RespPktsName, flow.RespPackets);
        w.WriteNumber(RespIpBytesName, flow.RespIpBytes);
        w.WriteNumber(IpProtoName, flow.Protocol);
        w.WriteString(CommunityIdName, flow.CommunityIdUtf8);
        w.WriteNumber(MgmtwatchFlowIdName, flow.FlowId);
        if (flow.Score is { } score)
        {
            ScoreNumber.Write(w, MgmtwatchScoreName, score);
        }

        if (flow.ModelId is not null)
        {
            w.WriteString(MgmtwatchModelIdName, flow.ModelId);
        }

        w.WriteBoolean(MgmtwatchAlertedName, flow.Alerted);
        if (flow.Reason == Flows.FlowEndReason.Interim)
        {
            w.WriteBoolean(MgmtwatchInterimName, true);
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
