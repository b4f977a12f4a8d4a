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
    internal static readonly JsonEncodedText FlowIdName = JsonEncodedText.Encode("flow_id");
    internal static readonly JsonEncodedText InIface = JsonEncodedText.Encode("in_iface");
    internal static readonly JsonEncodedText PcapCnt = JsonEncodedText.Encode("pcap_cnt");
    internal static readonly JsonEncodedText PcapFilename = JsonEncodedText.Encode("pcap_filename");
    internal static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event_type");
    internal static readonly JsonEncodedText SrcIp = JsonEncodedText.Encode("src_ip");
    internal static readonly JsonEncodedText SrcPort = JsonEncodedText.Encode("src_port");
    internal static readonly JsonEncodedText DestIp = JsonEncodedText.Encode("dest_ip");
    internal static readonly JsonEncodedText DestPort = JsonEncodedText.Encode("dest_port");
    internal static readonly JsonEncodedText Proto = JsonEncodedText.Encode("proto");
    internal static readonly JsonEncodedText IpV = JsonEncodedText.Encode("ip_v");
    internal static readonly JsonEncodedText PktSrc = JsonEncodedText.Encode("pkt_src");
    internal static readonly JsonEncodedText CommunityIdName = JsonEncodedText.Encode("community_id");
    internal static readonly JsonEncodedText AppProto = JsonEncodedText.Encode("app_proto");

    /// <summary>Writes the header fields (the caller has written <c>WriteStartObject</c>).</summary>
    public static void Write(Utf8JsonWriter w, in Fields f)
    {
        ArgumentNullException.ThrowIfNull(w);
        Span<byte> buffer = stackalloc byte[64];
        w.WritePropertyName(Timestamp);
        w.WriteStringValue(buffer[..PacketTime.WriteEve(f.Time, buffer)]);
        if (f.FlowId is { } flowId)
        {
            w.WriteNumber(FlowIdName, flowId);
        }

        if (f.Interface is not null)
        {
            w.WriteString(InIface, f.Interface);
        }
        else
        {
            if (f.PacketNumber is { } cnt)
            {
                w.WriteNumber(PcapCnt, cnt);
            }

            if (f.PcapFilename is not null)
            {
                w.WriteString(PcapFilename, f.PcapFilename);
            }
        }

        w.WriteString(EventType, f.EventType);
        if (f.HasAddresses)
        {
            w.WriteString(SrcIp, buffer[..f.Source.FormatUtf8(buffer)]);
            if (f.HasPorts)
            {
                w.WriteNumber(SrcPort, f.SourcePort);
            }

            w.WriteString(DestIp, buffer[..f.Destination.FormatUtf8(buffer)]);
            if (f.HasPorts)
            {
                w.WriteNumber(DestPort, f.DestinationPort);
            }

            w.WriteString(Proto, IpProtocol.EveName(f.Protocol));
            w.WriteNumber(IpV, f.IpVersion);
        }

        if (f.FromPacket)
        {
            w.WriteString(PktSrc, f.Interface is null ? "wire/pcap" : "wire/live");
        }

        if (!f.CommunityId.IsEmpty)
        {
            w.WriteString(CommunityIdName, f.CommunityId);
        }

        if (f.AppProto is not null)
        {
            w.WriteString(AppProto, f.AppProto);
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
