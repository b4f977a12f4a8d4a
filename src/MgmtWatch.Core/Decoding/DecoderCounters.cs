using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Decoding;

/// <summary>What the decoder saw, for the run summary, EVE stats and metrics. Plain fields: one decoder per thread.</summary>
public sealed class DecoderCounters
{
    /// <summary>Frames offered.</summary>
    public long Packets { get; set; }

    /// <summary>IPv4 packets (including reassembled datagrams counted once).</summary>
    public long Ipv4 { get; set; }

    /// <summary>IPv6 packets.</summary>
    public long Ipv6 { get; set; }

    /// <summary>ARP packets.</summary>
    public long Arp { get; set; }

    /// <summary>TCP segments.</summary>
    public long Tcp { get; set; }

    /// <summary>UDP datagrams.</summary>
    public long Udp { get; set; }

    /// <summary>ICMP and ICMPv6 messages.</summary>
    public long Icmp { get; set; }

    /// <summary>IP packets of other transport protocols.</summary>
    public long OtherIp { get; set; }

    /// <summary>Packets decapsulated from a tunnel (IP-in-IP, GRE/ERSPAN, VXLAN).</summary>
    public long Tunneled { get; set; }

    /// <summary>Frames of ethertypes not followed (LLDP, STP, ...).</summary>
    public long OtherEtherType { get; set; }

    /// <summary>Frames that could not be decoded.</summary>
    public long Malformed { get; set; }

    /// <summary>Frames of link types the decoder does not know, by link type.</summary>
    public Dictionary<int, long> UnsupportedLinkTypes { get; } = [];

    /// <summary>Anomalies by <see cref="DecodeEvent"/>.</summary>
    public long[] Events { get; } = new long[DecodeEventNames.Count];

    /// <summary>Total frames of unsupported link types.</summary>
    public long UnsupportedLinkTypeTotal
    {
        get
        {
            long sum = 0;
            foreach (var v in UnsupportedLinkTypes.Values)
            {
                sum += v;
            }

            return sum;
        }
    }

    internal void CountUnsupported(LinkType linkType)
    {
        var key = (int)linkType;
        UnsupportedLinkTypes[key] = UnsupportedLinkTypes.GetValueOrDefault(key) + 1;
    }

    /// <summary>Adds another decoder's counts (merging per-thread decoders).</summary>
    public void Add(DecoderCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Packets += other.Packets;
        Ipv4 += other.Ipv4;
        Ipv6 += other.Ipv6;
        Arp += other.Arp;
        Tcp += other.Tcp;
        Udp += other.Udp;
        Icmp += other.Icmp;
        OtherIp += other.OtherIp;
        OtherEtherType += other.OtherEtherType;
        Tunneled += other.Tunneled;
        Malformed += other.Malformed;
        foreach (var (k, v) in other.UnsupportedLinkTypes)
        {
            UnsupportedLinkTypes[k] = UnsupportedLinkTypes.GetValueOrDefault(k) + v;
        }

        for (var i = 0; i < Events.Length; i++)
        {
            Events[i] += other.Events[i];
        }
    }
}
