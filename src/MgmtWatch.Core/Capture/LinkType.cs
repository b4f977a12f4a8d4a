namespace MgmtWatch.Core.Capture;

/// <summary>
/// The LINKTYPE_ values a capture file records for each interface (tcpdump.org/linktypes.html).
/// Only the ones the decoder understands are named; any other value is carried through as a number,
/// counted and reported.
/// </summary>
public enum LinkType
{
    /// <summary>BSD loopback: 4-byte address family in the writer's byte order.</summary>
    Null = 0,

    /// <summary>IEEE 802.3 Ethernet.</summary>
    Ethernet = 1,

    /// <summary>Raw IPv4 or IPv6, version taken from the first nibble.</summary>
    Raw = 101,

    /// <summary>OpenBSD loopback: 4-byte address family in network byte order.</summary>
    Loop = 108,

    /// <summary>Linux "cooked" capture v1 (<c>tcpdump -i any</c> before libpcap 1.10).</summary>
    LinuxSll = 113,

    /// <summary>Raw IPv4.</summary>
    Ipv4 = 228,

    /// <summary>Raw IPv6.</summary>
    Ipv6 = 229,

    /// <summary>Linux "cooked" capture v2 (<c>tcpdump -i any</c> with libpcap 1.10+).</summary>
    LinuxSll2 = 276,
}
