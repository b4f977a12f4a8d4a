using System.Text.Json;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>Writes EVE <c>flow</c> events (Suricata output-json-flow.c layout).</summary>
public static class FlowEventWriter
{
    /// <summary>Writes one flow event as a complete JSON object.</summary>
    public static void Write(Utf8JsonWriter w, FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(flow);
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
        w.WriteStartObject("flow");
        w.WriteNumber("pkts_toserver", flow.OrigPackets);
        w.WriteNumber("pkts_toclient", flow.RespPackets);
        w.WriteNumber("bytes_toserver", flow.OrigIpBytes);
        w.WriteNumber("bytes_toclient", flow.RespIpBytes);
        w.WritePropertyName("start");
        w.WriteStringValue(buffer[..PacketTime.WriteEve(flow.Start, buffer)]);
        w.WritePropertyName("end");
        w.WriteStringValue(buffer[..PacketTime.WriteEve(flow.End, buffer)]);
        w.WriteNumber("age", (flow.End - flow.Start) / 1_000_000_000);
        w.WriteString("state", flow.EveState);
        w.WriteString("reason", flow.EveReason);
        w.WriteBoolean("alerted", flow.Alerted);
        w.WriteEndObject();

        WriteMgmtwatch(w, flow);
        w.WriteEndObject();
    }

    /// <summary>Writes the <c>mgmtwatch</c> object: uid, Zeek state and history, score, analyzer fields.</summary>
    internal static void WriteMgmtwatch(Utf8JsonWriter w, FlowRecord flow)
    {
        w.WriteStartObject("mgmtwatch");
        w.WriteString("uid", flow.UidUtf8);
        w.WriteString("conn_state", flow.ConnState);
        if (flow.HistoryUtf8.Length > 0)
        {
            w.WriteString("history", flow.HistoryUtf8);
        }

        if (flow.Score is { } score)
        {
            ScoreNumber.Write(w, "score", score);
        }

        if (flow.Threshold is { } threshold)
        {
            ScoreNumber.Write(w, "threshold", threshold);
        }

        if (flow.ModelId is not null)
        {
            w.WriteString("model_id", flow.ModelId);
        }

        foreach (var (name, value) in flow.Fields)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
    }
}
