namespace MgmtWatch.Core.Decoding;

/// <summary>
/// Decoder anomalies, reported as EVE <c>anomaly</c> events of type <c>decode</c>. Names follow
/// Suricata's decoder events (decode-events.h: <c>decoder.ipv4.trunc_pkt</c> and so on) in the
/// upper-case form MgmtWatch uses for <c>anomaly.event</c>.
/// </summary>
public enum DecodeEvent : byte
{
    /// <summary>No anomaly.</summary>
    None = 0,

    /// <summary>Frame shorter than an Ethernet header.</summary>
    EthernetPacketTooSmall,

    /// <summary>A VLAN tag cut short.</summary>
    VlanHeaderTooSmall,

    /// <summary>More stacked VLAN/MPLS headers than any real network uses.</summary>
    TooManyLayers,

    /// <summary>Linux cooked header cut short.</summary>
    SllPacketTooSmall,

    /// <summary>Loopback (NULL/LOOP) header cut short or of an unknown family.</summary>
    NullPacketTooSmall,

    /// <summary>PPPoE or PPP header cut short.</summary>
    PppoePacketTooSmall,

    /// <summary>MPLS label stack cut short.</summary>
    MplsPacketTooSmall,

    /// <summary>Raw-IP frame whose version nibble is neither 4 nor 6.</summary>
    RawInvalidIpVersion,

    /// <summary>IPv4 header cut short.</summary>
    Ipv4PacketTooSmall,

    /// <summary>IPv4 header length under 20 bytes.</summary>
    Ipv4HeaderLengthTooSmall,

    /// <summary>IPv4 total length smaller than its header length.</summary>
    Ipv4LengthSmallerThanHeader,

    /// <summary>IPv4 datagram longer than the bytes on the wire.</summary>
    Ipv4TruncatedPacket,

    /// <summary>The IPv4 ethertype carries a header whose version is not 4.</summary>
    Ipv4WrongVersion,

    /// <summary>IPv6 header cut short.</summary>
    Ipv6PacketTooSmall,

    /// <summary>IPv6 payload longer than the bytes on the wire.</summary>
    Ipv6TruncatedPacket,

    /// <summary>The IPv6 ethertype carries a header whose version is not 6.</summary>
    Ipv6WrongVersion,

    /// <summary>An IPv6 extension header runs past the packet.</summary>
    Ipv6ExtensionHeaderTruncated,

    /// <summary>More IPv6 extension headers than the decoder follows.</summary>
    Ipv6TooManyExtensionHeaders,

    /// <summary>TCP header cut short.</summary>
    TcpPacketTooSmall,

    /// <summary>TCP data offset under 5 words or past the segment.</summary>
    TcpHeaderLengthInvalid,

    /// <summary>UDP header cut short.</summary>
    UdpPacketTooSmall,

    /// <summary>UDP length field disagrees with the IP payload length.</summary>
    UdpLengthInvalid,

    /// <summary>ICMP header cut short.</summary>
    IcmpPacketTooSmall,

    /// <summary>ICMPv6 header cut short.</summary>
    Icmpv6PacketTooSmall,

    /// <summary>ARP packet cut short.</summary>
    ArpPacketTooSmall,

    /// <summary>A fragment would extend a datagram beyond 65535 bytes.</summary>
    FragmentTooLarge,

    /// <summary>Fragments of one datagram overlap (an evasion technique, RFC 5722).</summary>
    FragmentOverlap,

    /// <summary>The fragment cache was full and the oldest datagram was dropped.</summary>
    FragmentCacheFull,
}
