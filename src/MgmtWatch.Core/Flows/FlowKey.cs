using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// A flow's identity: two endpoints and a transport protocol, in canonical order (the lower address,
/// then lower port, is <see cref="A"/>) so that both directions of a conversation find the same flow.
/// One-way ICMP tuples keep sender first, as Zeek and Community ID do.
/// </summary>
public readonly record struct FlowKey(HostAddress A, HostAddress B, ushort PortA, ushort PortB, byte Protocol)
{
    /// <summary>
    /// The key of a decoded packet, and whether the packet travels from <see cref="A"/> to <see cref="B"/>.
    /// </summary>
    internal static FlowKey FromPacket(scoped in DecodedPacket p, out bool fromA)
    {
        var sp = p.SourcePort;
        var dp = p.DestinationPort;
        var oneWay = false;
        if (p.Protocol is IpProtocol.Icmp or IpProtocol.Icmpv6)
        {
            (sp, dp, oneWay) = CommunityId.IcmpPortEquivalents(p.Protocol, sp, dp);
        }

        var c = p.Source.CompareTo(p.Destination);
        fromA = oneWay || c < 0 || (c == 0 && sp <= dp);
        return fromA
            ? new FlowKey(p.Source, p.Destination, sp, dp, p.Protocol)
            : new FlowKey(p.Destination, p.Source, dp, sp, p.Protocol);
    }

    /// <summary>
    /// The flow table's hash of the canonical key (symmetric by construction, as the key is canonical), keyed
    /// by the table's random seed. It runs on every packet: two folded 64×64→128-bit multiplies over the
    /// address halves, independent of each other so the CPU overlaps them, and one over the ports (wyhash's
    /// "mum"), instead of <see cref="Hash"/>'s chain of five dependent rounds.
    /// </summary>
    internal ulong TableHash(ulong seed)
    {
        var addresses = Mum(A.High ^ seed ^ 0xA076_1D64_78BD_642FUL, B.High ^ seed ^ 0xE703_7ED1_A0B4_28DBUL)
                        ^ Mum(A.Low ^ seed ^ 0x8EBC_6AF0_9C88_C6E3UL, B.Low ^ seed ^ 0x5899_65CC_7537_4CC3UL);
        var ports = (ulong)PortA << 24 | (ulong)PortB << 8 | Protocol;
        return Mum(addresses ^ 0x1D8E_4E27_C47D_124FUL, ports ^ seed ^ 0x9E37_79B9_7F4A_7C15UL);
    }

    /// <summary>
    /// A 64-bit hash of the canonical key, stable across versions: flow ids and uids are built on it, so it
    /// must not change (the flow table uses the faster <see cref="TableHash"/>).
    /// </summary>
    public ulong Hash(ulong seed)
    {
        var h = seed ^ 0x9E37_79B9_7F4A_7C15UL;
        h = Mix(h ^ A.High);
        h = Mix(h ^ A.Low);
        h = Mix(h ^ B.High);
        h = Mix(h ^ B.Low);
        h = Mix(h ^ ((ulong)PortA << 24 | (ulong)PortB << 8 | Protocol));
        return h;
    }

    private static ulong Mum(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        return high ^ low;
    }

    /// <summary>splitmix64's finaliser (Steele, Lea, Flood 2014): full avalanche in three multiplies.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
