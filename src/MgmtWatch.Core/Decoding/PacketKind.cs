namespace MgmtWatch.Core.Decoding;

/// <summary>What the decoder made of a frame.</summary>
public enum PacketKind : byte
{
    /// <summary>Could not be decoded far enough to be useful (see <see cref="DecodedPacket.Event"/>).</summary>
    Malformed,

    /// <summary>An IPv4 or IPv6 packet with its transport header (or a reassembled datagram).</summary>
    Ip,

    /// <summary>An IP fragment held for reassembly; the datagram is reported when complete.</summary>
    FragmentHeld,

    /// <summary>An ARP packet.</summary>
    Arp,

    /// <summary>A frame of an ethertype the decoder does not follow (LLDP, STP, ...).</summary>
    OtherEtherType,

    /// <summary>A frame of a link type the decoder does not know.</summary>
    UnsupportedLinkType,
}
