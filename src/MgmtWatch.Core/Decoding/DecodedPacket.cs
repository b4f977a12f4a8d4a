namespace MgmtWatch.Core.Decoding;

/// <summary>
/// One packet as the decoder understood it: addresses, transport header fields and the captured
/// transport payload. A ref struct filled in place on the stack, so decoding allocates nothing and the
/// payload is a view of the capture buffer (or of a reassembled datagram) rather than a copy.
/// </summary>
internal ref struct DecodedPacket
{
    /// <summary>What kind of packet this is.</summary>
    public PacketKind Kind;

    /// <summary>First anomaly found while decoding, or <see cref="DecodeEvent.None"/>.</summary>
    public DecodeEvent Event;

    /// <summary>4 or 6 for IP packets, else 0.</summary>
    public byte IpVersion;

    /// <summary>Transport protocol number (after IPv6 extension headers).</summary>
    public byte Protocol;

    /// <summary>IPv4 TTL or IPv6 hop limit.</summary>
    public byte Ttl;

    /// <summary>TCP flags (see <see cref="TcpFlags"/>).</summary>
    public byte TcpFlags;

    /// <summary>Source address (IP, or ARP sender protocol address).</summary>
    public HostAddress Source;

    /// <summary>Destination address (IP, or ARP target protocol address).</summary>
    public HostAddress Destination;

    /// <summary>Source port; ICMP type for ICMP.</summary>
    public ushort SourcePort;

    /// <summary>Destination port; ICMP code for ICMP.</summary>
    public ushort DestinationPort;

    /// <summary>TCP sequence number.</summary>
    public uint Sequence;

    /// <summary>TCP acknowledgment number.</summary>
    public uint Acknowledgment;

    /// <summary>TCP window.</summary>
    public ushort Window;

    /// <summary>Length of the IP datagram as its header states it (Zeek's ip_bytes).</summary>
    public int IpLength;

    /// <summary>Transport payload length as the headers state it (may exceed the captured payload).</summary>
    public int PayloadLength;

    /// <summary>The captured transport payload.</summary>
    public ReadOnlySpan<byte> Payload;

    /// <summary>True when the packet is a datagram reassembled from fragments.</summary>
    public bool Reassembled;

    /// <summary>Outermost 802.1Q VLAN id, or 0.</summary>
    public ushort Vlan;

    /// <summary>Ethertype of the network layer (after VLAN tags), 0 when the link layer has none.</summary>
    public ushort EtherType;

    /// <summary>Ethernet source MAC (48 bits), or 0.</summary>
    public ulong SourceMac;

    /// <summary>Ethernet destination MAC (48 bits), or 0.</summary>
    public ulong DestinationMac;

    /// <summary>ARP operation (1 request, 2 reply).</summary>
    public ushort ArpOperation;

    /// <summary>ARP sender hardware address.</summary>
    public ulong ArpSenderMac;

    /// <summary>Resets every field for the next packet.</summary>
    public void Clear() => this = default;
}
