using System.Text.Json;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>Writes EVE <c>flow</c> events (Suricata output-json-flow.c layout).</summary>
public static class FlowEventWriter
{
    private static readonly JsonEncodedText MgmtwatchName = JsonEncodedText.Encode("mgmtwatch");
    private static readonly JsonEncodedText UidName = JsonEncodedText.Encode("uid");

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
        EveHeader.Write(output, header);

        // Counters, times and constants only: nothing in it needs escaping, so it is appended whole.
        Span<byte> buffer = stackalloc byte[64];
        output.AppendObjectStart("flow"u8);
        output.AppendNumber("pkts_toserver"u8, flow.OrigPackets);
        output.AppendNumber("pkts_toclient"u8, flow.RespPackets);
        output.AppendNumber("bytes_toserver"u8, flow.OrigIpBytes);
        output.AppendNumber("bytes_toclient"u8, flow.RespIpBytes);
        output.AppendString("start"u8, buffer[..PacketTime.WriteEve(flow.Start, buffer)]);
        output.AppendString("end"u8, buffer[..PacketTime.WriteEve(flow.End, buffer)]);
        output.AppendNumber("age"u8, (flow.End - flow.Start) / 1_000_000_000);
        output.AppendString("state"u8, flow.EveState);
        output.AppendString("reason"u8, flow.EveReason);
        output.AppendBoolean("alerted"u8, flow.Alerted);
        output.AppendObjectEnd();

        WriteMgmtwatch(output, flow);
        w.WriteEndObject();
    }

    /// <summary>Writes the <c>mgmtwatch</c> object: uid, Zeek state and history, score, analyzer fields.</summary>
    private static void WriteMgmtwatch(JsonLinesWriter output, FlowRecord flow)
    {
        var w = output.Begin();

        // The writer opens it (analyzer fields that need escaping go through the writer, which must know
        // the object) and writes its first property; the rest is appended.
        w.WriteStartObject(MgmtwatchName);
        w.WriteString(UidName, flow.UidUtf8);
        output.AppendString("conn_state"u8, flow.ConnState);
        if (flow.HistoryUtf8.Length > 0)
        {
            output.AppendString("history"u8, flow.HistoryUtf8);
        }

        if (flow.Score is { } score)
        {
            ScoreNumber.Append(output, "score"u8, score);
        }

        if (flow.Threshold is { } threshold)
        {
            ScoreNumber.Append(output, "threshold"u8, threshold);
        }

        if (flow.ModelId is not null)
        {
            output.AppendString("model_id"u8, flow.ModelId);
        }

        output.WriteStringProperties([], flow.Fields);

        w.WriteEndObject();
    }
}
