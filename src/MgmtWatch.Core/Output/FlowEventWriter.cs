using System.Text.Json;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>Writes EVE <c>flow</c> events (Suricata output-json-flow.c layout).</summary>
public static class FlowEventWriter
{
    private static readonly JsonEncodedText FlowName = JsonEncodedText.Encode("flow");
    private static readonly JsonEncodedText PktsToserverName = JsonEncodedText.Encode("pkts_toserver");
    private static readonly JsonEncodedText PktsToclientName = JsonEncodedText.Encode("pkts_toclient");
    private static readonly JsonEncodedText BytesToserverName = JsonEncodedText.Encode("bytes_toserver");
    private static readonly JsonEncodedText BytesToclientName = JsonEncodedText.Encode("bytes_toclient");
    private static readonly JsonEncodedText StartName = JsonEncodedText.Encode("start");
    private static readonly JsonEncodedText EndName = JsonEncodedText.Encode("end");
    private static readonly JsonEncodedText AgeName = JsonEncodedText.Encode("age");
    private static readonly JsonEncodedText StateName = JsonEncodedText.Encode("state");
    private static readonly JsonEncodedText ReasonName = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText AlertedName = JsonEncodedText.Encode("alerted");
    private static readonly JsonEncodedText MgmtwatchName = JsonEncodedText.Encode("mgmtwatch");
    private static readonly JsonEncodedText UidName = JsonEncodedText.Encode("uid");
    private static readonly JsonEncodedText ConnStateName = JsonEncodedText.Encode("conn_state");
    private static readonly JsonEncodedText HistoryName = JsonEncodedText.Encode("history");
    private static readonly JsonEncodedText ModelIdName = JsonEncodedText.Encode("model_id");

    /// <summary>Writes one flow event as a complete JSON object.</summary>
    public static void Write(JsonLinesWriter output, FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(flow);
        var w = output.Begin();
        w.WriteStartObject();
        var header = new EveHeader.Fields
        {
            Time = flow.End,
            FlowId = flow.FlowId,
            Interface = flow.Interface,
            PcapFilename = flow.PcapFilename,
            EventType = "flow",
            HasAddresses = true,
            HasPorts = IpProtocol.HasPorts(flow.Protocol),
            Source = flow.OrigHost,
            Destination = flow.RespHost,
            SourcePort = flow.OrigPort,
            DestinationPort = flow.RespPort,
            Protocol = flow.Protocol,
            IpVersion = flow.IpVersion,
            CommunityId = flow.CommunityIdUtf8,
            AppProto = flow.Service,
        };
        EveHeader.Write(w, header);

        Span<byte> buffer = stackalloc byte[64];
        w.WriteStartObject(FlowName);
        w.WriteNumber(PktsToserverName, flow.OrigPackets);
        w.WriteNumber(PktsToclientName, flow.RespPackets);
        w.WriteNumber(BytesToserverName, flow.OrigIpBytes);
        w.WriteNumber(BytesToclientName, flow.RespIpBytes);
        w.WritePropertyName(StartName);
        w.WriteStringValue(buffer[..PacketTime.WriteEve(flow.Start, buffer)]);
        w.WritePropertyName(EndName);
        w.WriteStringValue(buffer[..PacketTime.WriteEve(flow.End, buffer)]);
        w.WriteNumber(AgeName, (flow.End - flow.Start) / 1_000_000_000);
        w.WriteString(StateName, flow.EveState);
        w.WriteString(ReasonName, flow.EveReason);
        w.WriteBoolean(AlertedName, flow.Alerted);
        w.WriteEndObject();

        WriteMgmtwatch(w, output, flow);
        w.WriteEndObject();
    }

    /// <summary>Writes the <c>mgmtwatch</c> object: uid, Zeek state and history, score, analyzer fields.</summary>
    private static void WriteMgmtwatch(Utf8JsonWriter w, JsonLinesWriter output, FlowRecord flow)
    {
        w.WriteStartObject(MgmtwatchName);
        w.WriteString(UidName, flow.UidUtf8);
        w.WriteString(ConnStateName, flow.ConnState);
        if (flow.HistoryUtf8.Length > 0)
        {
            w.WriteString(HistoryName, flow.HistoryUtf8);
        }

        if (flow.Score is { } score)
        {
            ScoreNumber.Write(w, ScoreNumber.ScoreName, score);
        }

        if (flow.Threshold is { } threshold)
        {
            ScoreNumber.Write(w, ScoreNumber.ThresholdName, threshold);
        }

        if (flow.ModelId is not null)
        {
            w.WriteString(ModelIdName, flow.ModelId);
        }

        output.WriteStringProperties([], flow.Fields);

        w.WriteEndObject();
    }
}
