using System.Text.Json;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>
/// The fields every EVE record starts with, in Suricata's order: timestamp, flow_id, in_iface or
/// pcap_cnt + pcap_filename, event_type, addresses and ports, proto, ip_v, pkt_src, community_id, app_proto.
/// Shared by the per-type writers so the header is written one way.
/// </summary>
internal static class EveHeader
{
    internal static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");

    /// <summary>
    /// Writes the header fields (the caller has written <c>WriteStartObject</c>): the timestamp through
    /// the writer, the rest appended raw (see <see cref="JsonLinesWriter.AppendNumber(ReadOnlySpan{byte}, long)"/>).
    /// </summary>
    public static void Write(JsonLinesWriter output, in Fields f)
    {
        ArgumentNullException.ThrowIfNull(output);
        var w = output.Begin();
        Span<byte> buffer = stackalloc byte[64];
        w.WritePropertyName(Timestamp);
        w.WriteStringValue(buffer[..PacketTime.WriteEve(f.Time, buffer)]);
        if (f.FlowId is { } flowId)
        {
            output.AppendNumber("flow_id"u8, flowId);
        }

        if (f.Interface is not null)
        {
            output.AppendString("in_iface"u8, f.Interface);
        }
        else
        {
            if (f.PacketNumber is { } cnt)
            {
                output.AppendNumber("pcap_cnt"u8, cnt);
            }

            if (f.PcapFilename is not null)
            {
                output.AppendString("pcap_filename"u8, f.PcapFilename);
            }
        }

        output.AppendString("event_type"u8, f.EventType);
        if (f.HasAddresses)
        {
            output.AppendString("src_ip"u8, buffer[..f.Source.FormatUtf8(buffer)]);
            if (f.HasPorts)
            {
                output.AppendNumber("src_port"u8, f.SourcePort);
            }

            output.AppendString("dest_ip"u8, buffer[..f.Destination.FormatUtf8(buffer)]);
            if (f.HasPorts)
            {
                output.AppendNumber("dest_port"u8, f.DestinationPort);
            }

            output.AppendString("proto"u8, IpProtocol.EveName(f.Protocol));
            output.AppendNumber("ip_v"u8, f.IpVersion);
        }

        if (f.FromPacket)
        {
            output.AppendString("pkt_src"u8, f.Interface is null ? "wire/pcap"u8 : "wire/live"u8);
        }

        if (!f.CommunityId.IsEmpty)
        {
            output.AppendString("community_id"u8, f.CommunityId);
        }

        if (f.AppProto is not null)
        {
            output.AppendString("app_proto"u8, f.AppProto);
        }
    }

    /// <summary>The values of an EVE header.</summary>
    public ref struct Fields
    {
        /// <summary>Event time (ns).</summary>
        public long Time;

        /// <summary>Flow id, if the event belongs to a flow.</summary>
        public ulong? FlowId;

        /// <summary>Live interface, or null offline.</summary>
        public string? Interface;

        /// <summary>Packet number, for packet-triggered events offline.</summary>
        public long? PacketNumber;

        /// <summary>Capture file name offline.</summary>
        public string? PcapFilename;

        /// <summary>alert, flow, anomaly, stats.</summary>
        public string EventType;

        /// <summary>Whether addresses follow.</summary>
        public bool HasAddresses;

        /// <summary>Whether ports follow.</summary>
        public bool HasPorts;

        /// <summary>Source address.</summary>
        public HostAddress Source;

        /// <summary>Destination address.</summary>
        public HostAddress Destination;

        /// <summary>Source port.</summary>
        public int SourcePort;

        /// <summary>Destination port.</summary>
        public int DestinationPort;

        /// <summary>IP protocol.</summary>
        public byte Protocol;

        /// <summary>4 or 6.</summary>
        public byte IpVersion;

        /// <summary>True for events triggered by a packet (pkt_src is written).</summary>
        public bool FromPacket;

        /// <summary>Community ID (UTF-8), or empty.</summary>
        public ReadOnlySpan<byte> CommunityId;

        /// <summary>Application protocol.</summary>
        public string? AppProto;
    }
}
