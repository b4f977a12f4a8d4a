namespace MgmtWatch.Core.Analyzers.Dhcp;

/// <summary>What <see cref="DhcpParser"/> read from one BOOTP/DHCP message. Text fields are positions in the message.</summary>
internal struct DhcpMessage
{
    /// <summary>True when the fixed BOOTP part was read.</summary>
    public bool HasHeader;

    /// <summary>op: 1 BOOTREQUEST, 2 BOOTREPLY.</summary>
    public byte Op;

    /// <summary>Client hardware address when it is a 6-octet Ethernet address (htype 1, hlen 6), else 0.</summary>
    public ulong ClientMac;

    /// <summary>yiaddr, host order ("your" address: the one assigned).</summary>
    public uint YourAddress;

    /// <summary>True when the magic cookie 99.130.83.99 follows the fixed part (RFC 2131 §3).</summary>
    public bool HasCookie;

    /// <summary>Option 53 (DHCP message type), 0 for plain BOOTP.</summary>
    public byte MessageType;

    /// <summary>Option 50 (requested IP address), host order, 0 when absent.</summary>
    public uint RequestedAddress;

    /// <summary>Option 51 (lease time, seconds), when present.</summary>
    public uint? LeaseTime;

    /// <summary>Option 12 (host name): offset and length in the message, length 0 when absent.</summary>
    public (int Offset, int Length) HostName;

    /// <summary>Option 60 (vendor class identifier): offset and length in the message.</summary>
    public (int Offset, int Length) VendorClass;

    /// <summary>True when the capture cut the message short (not the sender).</summary>
    public bool CaptureTruncated;
}
