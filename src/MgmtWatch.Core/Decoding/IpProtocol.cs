namespace MgmtWatch.Core.Decoding;

/// <summary>IANA protocol numbers the decoder and flow table handle by name.</summary>
public static class IpProtocol
{
    /// <summary>ICMP for IPv4.</summary>
    public const byte Icmp = 1;

    /// <summary>TCP.</summary>
    public const byte Tcp = 6;

    /// <summary>UDP.</summary>
    public const byte Udp = 17;

    /// <summary>ICMP for IPv6.</summary>
    public const byte Icmpv6 = 58;

    /// <summary>SCTP (ports like TCP; Community ID treats it as port-enabled).</summary>
    public const byte Sctp = 132;

    /// <summary>Upper-case IANA keyword as EVE's <c>proto</c> writes it.</summary>
    public static string EveName(byte protocol) => protocol switch
    {
        Tcp => "TCP",
        Udp => "UDP",
        Icmp => "ICMP",
        Icmpv6 => "IPv6-ICMP",
        Sctp => "SCTP",
        _ => Names[protocol],
    };

    /// <summary>Lower-case transport name as Zeek's <c>proto</c> column writes it (unknown_transport otherwise).</summary>
    public static string ZeekName(byte protocol) => protocol switch
    {
        Tcp => "tcp",
        Udp => "udp",
        Icmp or Icmpv6 => "icmp",
        _ => "unknown_transport",
    };

    /// <summary>True for protocols whose flows have ports (or ICMP type/code in their place).</summary>
    public static bool HasPorts(byte protocol) => protocol is Tcp or Udp or Icmp or Icmpv6 or Sctp;

    private static readonly string[] Names = BuildNames();

    private static string[] BuildNames()
    {
        var names = new string[256];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }
}
