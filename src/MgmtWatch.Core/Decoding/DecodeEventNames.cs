namespace MgmtWatch.Core.Decoding;

/// <summary>Names and layers of <see cref="DecodeEvent"/> values as they appear in EVE <c>anomaly</c> events.</summary>
public static class DecodeEventNames
{
    private static readonly (string Name, string Layer)[] Table = Build();

    /// <summary>The event name, for example <c>IPV4_TRUNC_PKT</c>.</summary>
    public static string Name(DecodeEvent e) => Table[(int)e].Name;

    /// <summary>The protocol layer the event belongs to, for example <c>ipv4</c>.</summary>
    public static string Layer(DecodeEvent e) => Table[(int)e].Layer;

    /// <summary>Number of distinct events (for counter arrays).</summary>
    public static int Count => Table.Length;

    private static (string, string)[] Build()
    {
        var t = new (string, string)[Enum.GetValues<DecodeEvent>().Length];
        t[(int)DecodeEvent.None] = ("NONE", "none");
        t[(int)DecodeEvent.EthernetPacketTooSmall] = ("ETHERNET_PKT_TOO_SMALL", "ethernet");
        t[(int)DecodeEvent.VlanHeaderTooSmall] = ("VLAN_HEADER_TOO_SMALL", "vlan");
        t[(int)DecodeEvent.TooManyLayers] = ("VLAN_TOO_MANY_LAYERS", "vlan");
        t[(int)DecodeEvent.SllPacketTooSmall] = ("SLL_PKT_TOO_SMALL", "sll");
        t[(int)DecodeEvent.NullPacketTooSmall] = ("NULL_PKT_TOO_SMALL", "null");
        t[(int)DecodeEvent.PppoePacketTooSmall] = ("PPPOE_PKT_TOO_SMALL", "pppoe");
        t[(int)DecodeEvent.MplsPacketTooSmall] = ("MPLS_PKT_TOO_SMALL", "mpls");
        t[(int)DecodeEvent.RawInvalidIpVersion] = ("RAW_INVALID_IPV", "raw");
        t[(int)DecodeEvent.Ipv4PacketTooSmall] = ("IPV4_PKT_TOO_SMALL", "ipv4");
        t[(int)DecodeEvent.Ipv4HeaderLengthTooSmall] = ("IPV4_HLEN_TOO_SMALL", "ipv4");
        t[(int)DecodeEvent.Ipv4LengthSmallerThanHeader] = ("IPV4_IPLEN_SMALLER_THAN_HLEN", "ipv4");
        t[(int)DecodeEvent.Ipv4TruncatedPacket] = ("IPV4_TRUNC_PKT", "ipv4");
        t[(int)DecodeEvent.Ipv4WrongVersion] = ("IPV4_WRONG_IP_VER", "ipv4");
        t[(int)DecodeEvent.Ipv6PacketTooSmall] = ("IPV6_PKT_TOO_SMALL", "ipv6");
        t[(int)DecodeEvent.Ipv6TruncatedPacket] = ("IPV6_TRUNC_PKT", "ipv6");
        t[(int)DecodeEvent.Ipv6WrongVersion] = ("IPV6_WRONG_IP_VER", "ipv6");
        t[(int)DecodeEvent.Ipv6ExtensionHeaderTruncated] = ("IPV6_TRUNC_EXTHDR", "ipv6");
        t[(int)DecodeEvent.Ipv6TooManyExtensionHeaders] = ("IPV6_EXTHDR_TOO_MANY", "ipv6");
        t[(int)DecodeEvent.TcpPacketTooSmall] = ("TCP_PKT_TOO_SMALL", "tcp");
        t[(int)DecodeEvent.TcpHeaderLengthInvalid] = ("TCP_HLEN_INVALID", "tcp");
        t[(int)DecodeEvent.UdpPacketTooSmall] = ("UDP_PKT_TOO_SMALL", "udp");
        t[(int)DecodeEvent.UdpLengthInvalid] = ("UDP_LEN_INVALID", "udp");
        t[(int)DecodeEvent.IcmpPacketTooSmall] = ("ICMPV4_PKT_TOO_SMALL", "icmpv4");
        t[(int)DecodeEvent.Icmpv6PacketTooSmall] = ("ICMPV6_PKT_TOO_SMALL", "icmpv6");
        t[(int)DecodeEvent.ArpPacketTooSmall] = ("ARP_PKT_TOO_SMALL", "arp");
        t[(int)DecodeEvent.FragmentTooLarge] = ("FRAG_PKT_TOO_LARGE", "ip");
        t[(int)DecodeEvent.FragmentOverlap] = ("FRAG_OVERLAP", "ip");
        t[(int)DecodeEvent.FragmentCacheFull] = ("FRAG_CACHE_FULL", "ip");
        return t;
    }
}
