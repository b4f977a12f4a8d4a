using BenchmarkDotNet.Attributes;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// <see cref="PacketDecoder.Decode"/> per packet over sets of real frames: the repository's recordings as
/// they are, and the same frames with an 802.1Q tag, moved to IPv6, or split into IPv4 fragment pairs.
/// </summary>
[Config(typeof(MicroConfig))]
public class DecoderBenchmarks
{
    /// <summary>Frames decoded per invocation: every set is cycled to this length so the per-packet figure is exact.</summary>
    public const int FramesPerSet = 512;

    private readonly PacketDecoder _decoder = new();
    private CapturedFrame[] _frames = [];

    /// <summary>The kinds of frame a management network carries.</summary>
    public enum FrameSet
    {
        /// <summary>RMCP/RMCP+ datagrams over Ethernet/IPv4/UDP (ipmi-sim-sessions.pcap).</summary>
        Ipmi,

        /// <summary>TCP segments carrying payload (tls-openssl.pcap, ssh-openssh.pcap).</summary>
        TcpPayload,

        /// <summary>The IPMI datagrams with an 802.1Q tag, as on a management VLAN trunk.</summary>
        Vlan,

        /// <summary>The SNMP datagrams of snmpd-loopback.pcap carried over IPv6.</summary>
        Ipv6,

        /// <summary>TLS and SSH segments each split into two IPv4 fragments: half the frames complete a datagram.</summary>
        Ipv4Fragments,

        /// <summary>Every frame of the four recordings, handshakes and all, in file order.</summary>
        Mix,
    }

    [Params(FrameSet.Ipmi, FrameSet.TcpPayload, FrameSet.Vlan, FrameSet.Ipv6, FrameSet.Ipv4Fragments, FrameSet.Mix)]
    public FrameSet Set { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var ipmi = RepoCaptures.Load(RepoCaptures.Repo("ipmi-sim-sessions.pcap"));
        var tls = RepoCaptures.Load(RepoCaptures.Repo("tls-openssl.pcap"));
        var ssh = RepoCaptures.Load(RepoCaptures.Repo("ssh-openssh.pcap"));
        var snmp = RepoCaptures.Load(RepoCaptures.Repo("snmpd-loopback.pcap"));
        var tcpWithPayload = tls.Concat(ssh).Where(f => TcpPayloadLength(f.Data) > 0).ToArray();
        var set = Set switch
        {
            FrameSet.Ipmi => ipmi,
            FrameSet.TcpPayload => tcpWithPayload,
            FrameSet.Vlan => [.. ipmi.Select(f => Derived(f, DerivedFrames.Vlan(f.Data, 10)))],
            FrameSet.Ipv6 => [.. snmp.Select(f => Derived(f, DerivedFrames.Ipv6(f.Data)))],
            FrameSet.Ipv4Fragments => [.. tcpWithPayload.Where(f => f.Data.Length >= 200).SelectMany((f, i) =>
            {
                var (first, second) = DerivedFrames.FragmentPair(f.Data, (ushort)i);
                return new[] { Derived(f, first), Derived(f, second) };
            })],
            _ => [.. ipmi.Concat(tls).Concat(ssh).Concat(snmp)],
        };
        _frames = Cycle(set, FramesPerSet);
    }

    [Benchmark(OperationsPerInvoke = FramesPerSet)]
    public int Decode()
    {
        var ip = 0;
        foreach (var frame in _frames)
        {
            var p = default(DecodedPacket);
            _decoder.Decode(frame.Info, frame.Data, ref p);
            ip += p.Kind == PacketKind.Ip ? 1 : 0;
        }

        return ip;
    }

    /// <summary>The set repeated (pairs kept whole, as the length is even) to exactly <paramref name="count"/> frames.</summary>
    internal static CapturedFrame[] Cycle(CapturedFrame[] set, int count)
    {
        if (set.Length == 0)
        {
            throw new InvalidOperationException("no frames for this set");
        }

        var frames = new CapturedFrame[count];
        for (var i = 0; i < count; i++)
        {
            frames[i] = set[i % set.Length];
        }

        return frames;
    }

    private static CapturedFrame Derived(CapturedFrame original, byte[] data)
    {
        var info = original.Info;
        info.CaptureLength = data.Length;
        info.WireLength = data.Length;
        return new CapturedFrame(info, data);
    }

    /// <summary>TCP payload length of an Ethernet/IPv4 frame, 0 for anything else.</summary>
    private static int TcpPayloadLength(byte[] frame)
    {
        if (frame.Length < 34 || frame[12] != 0x08 || frame[13] != 0x00 || frame[23] != 6)
        {
            return 0;
        }

        var ipHeader = (frame[14] & 0x0F) * 4;
        var total = (frame[16] << 8) | frame[17];
        var tcpHeader = (frame[14 + ipHeader + 12] >> 4) * 4;
        return total - ipHeader - tcpHeader;
    }
}
