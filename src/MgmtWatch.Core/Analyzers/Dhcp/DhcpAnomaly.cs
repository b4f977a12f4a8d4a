namespace MgmtWatch.Core.Analyzers.Dhcp;

/// <summary>Names of the DHCP/BOOTP protocol violations reported as EVE <c>anomaly</c> events (app_proto <c>dhcp</c>).</summary>
internal static class DhcpAnomaly
{
    /// <summary>A message shorter than BOOTP's 236-octet fixed part (RFC 2131 §2).</summary>
    public const string Truncated = "DHCP_TRUNCATED";

    /// <summary>An op other than 1 (BOOTREQUEST) or 2 (BOOTREPLY).</summary>
    public const string BadOp = "DHCP_BAD_OP";

    /// <summary>A hardware address length above the 16 octets of chaddr.</summary>
    public const string BadHardwareLength = "DHCP_BAD_HLEN";

    /// <summary>An option whose length runs past the end of the options (or of an overloaded sname/file field).</summary>
    public const string OptionTruncated = "DHCP_OPTION_TRUNCATED";

    /// <summary>A fixed-size option (message type, requested address, lease time, overload) with the wrong length (RFC 2132).</summary>
    public const string BadOptionLength = "DHCP_BAD_OPTION_LENGTH";

    /// <summary>A DHCP message type outside 1–18 (RFC 2132 §9.6, RFC 4388, RFC 6926, RFC 7724).</summary>
    public const string BadMessageType = "DHCP_BAD_MESSAGE_TYPE";
}
