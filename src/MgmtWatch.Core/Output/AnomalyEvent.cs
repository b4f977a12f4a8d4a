using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>A protocol violation seen in a packet: a decoder anomaly or one an analyzer reported.</summary>
public sealed class AnomalyEvent
{
    /// <summary>Packet time.</summary>
    public long Timestamp { get; set; }

    /// <summary>Packet number in the run (pcap_cnt).</summary>
    public long PacketNumber { get; set; }

    /// <summary>Capture file, offline.</summary>
    public string? PcapFilename { get; set; }

    /// <summary>Live interface.</summary>
    public string? Interface { get; set; }

    /// <summary>True when the packet's addresses are known.</summary>
    public bool HasAddresses { get; set; }

    /// <summary>Source address.</summary>
    public HostAddress Source { get; set; }

    /// <summary>Destination address.</summary>
    public HostAddress Destination { get; set; }

    /// <summary>True when the transport header (ports) was decoded.</summary>
    public bool HasPorts { get; set; }

    /// <summary>Source port, when the protocol has ports.</summary>
    public ushort SourcePort { get; set; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; set; }

    /// <summary>IP protocol, 0 if unknown.</summary>
    public byte Protocol { get; set; }

    /// <summary>IP version, 0 if unknown.</summary>
    public byte IpVersion { get; set; }

    /// <summary>Flow id, when the packet belongs to a flow.</summary>
    public ulong? FlowId { get; set; }

    /// <summary>"decode" or "applayer".</summary>
    public string Type { get; set; } = "decode";

    /// <summary>Event name, e.g. <c>IPV4_TRUNC_PKT</c> or <c>RMCP_BAD_VERSION</c>.</summary>
    public string Event { get; set; } = "";

    /// <summary>Protocol layer (decode anomalies).</summary>
    public string? Layer { get; set; }

    /// <summary>Application protocol (applayer anomalies).</summary>
    public string? AppProto { get; set; }
}
