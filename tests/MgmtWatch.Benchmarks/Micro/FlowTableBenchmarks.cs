using BenchmarkDotNet.Attributes;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// <see cref="FlowTable.Observe"/> per packet, on a warm table: packets of flows the table already holds
/// (the common case), and packets that each start a flow while older flows time out (a sweep, or a busy
/// poller). Packets come from the repository's recordings, decoded once in set-up.
/// </summary>
[Config(typeof(MicroConfig))]
public class FlowTableBenchmarks
{
    /// <summary>Packets of existing flows observed per invocation.</summary>
    public const int HitsPerInvoke = 16_384;

    /// <summary>New flows observed per invocation.</summary>
    public const int InsertsPerInvoke = 4_096;

    /// <summary>Packet time of the recordings' first packet shifted to 2026-03-01, nanoseconds.</summary>
    private const long T0 = 1_772_366_400_000_000_000;

    /// <summary>
    /// Packet time between new flows: 1 ms, so with the default 60 s UDP timeout the table holds about
    /// 60,000 flows and every second of packet time ends about 1,000 of them.
    /// </summary>
    private const long InsertGap = 1_000_000;

    private FlowTable _hits = null!;
    private FlowPacket[] _hitPackets = [];
    private long _hitNumber;

    private FlowTable _inserts = null!;
    private FlowPacket _insertTemplate;
    private long _insertCount;

    [GlobalSetup]
    public void Setup()
    {
        var decoder = new PacketDecoder();
        var recorded = new List<FlowPacket>();
        foreach (var name in new[] { "ipmi-sim-sessions.pcap", "snmpd-loopback.pcap", "tls-openssl.pcap", "ssh-openssh.pcap" })
        {
            foreach (var frame in RepoCaptures.Load(RepoCaptures.Repo(name)))
            {
                // SYN, FIN and RST would open and close connections: the hit set keeps every flow open.
                if (FlowPacket.From(decoder, frame) is { } p && (p.Protocol != IpProtocol.Tcp || (p.TcpFlags & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst)) == 0))
                {
                    recorded.Add(p);
                }
            }
        }

        // The recordings replayed by several sites: copy c moves every address into 127.0.c.x (or its
        // IPv6 equivalent), so each copy is its own set of flows.
        _hitPackets = new FlowPacket[HitsPerInvoke];
        for (var i = 0; i < HitsPerInvoke; i++)
        {
            var copy = (ulong)(i / recorded.Count);
            var p = recorded[i % recorded.Count];
            _hitPackets[i] = p with { Source = Move(p.Source, copy), Destination = Move(p.Destination, copy) };
        }

        _hits = new FlowTable(new IgnoreFlowEnd());
        Hits();

        _insertTemplate = recorded.First(p => p.Protocol == IpProtocol.Udp && p.DestinationPort == 623);
        _inserts = new FlowTable(new IgnoreFlowEnd());
        for (var i = 0; i < 2 * 60_000 / InsertsPerInvoke + 1; i++)
        {
            Inserts();
        }
    }

    /// <summary>Packets of flows already in the table.</summary>
    [Benchmark(OperationsPerInvoke = HitsPerInvoke)]
    public int Hits()
    {
        var last = 0;
        foreach (var packet in _hitPackets)
        {
            var p = default(DecodedPacket);
            packet.Fill(ref p);
            last = _hits.Observe(T0, ++_hitNumber, ref p, out _);
        }

        return last;
    }

    /// <summary>One IPMI request from a new client address and port per packet, 1 ms apart, older flows timing out.</summary>
    [Benchmark(OperationsPerInvoke = InsertsPerInvoke)]
    public int Inserts()
    {
        var last = 0;
        for (var i = 0; i < InsertsPerInvoke; i++)
        {
            var n = ++_insertCount;
            var p = default(DecodedPacket);
            _insertTemplate.Fill(ref p);

            // 10.128.0.0/9 holds 2^23 clients of 60,000 ports each: no key repeats within a run.
            p.Source = HostAddress.FromV4(0x0A80_0000u | (uint)(n / 60_000 % (1 << 23)));
            p.SourcePort = (ushort)(1024 + (n % 60_000));
            last = _inserts.Observe(T0 + (n * InsertGap), n, ref p, out _);
        }

        return last;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_inserts.Active is < 50_000 or > 70_000)
        {
            throw new InvalidOperationException($"the insert table holds {_inserts.Active} flows; expected about 60,000 (timeouts not running?)");
        }
    }

    private static HostAddress Move(HostAddress address, ulong copy) => new(address.High, address.Low ^ (copy << 8));

    private sealed class IgnoreFlowEnd : IFlowEndHandler
    {
        public void OnFlowEnd(FlowTable table, int flow, FlowEndReason reason)
        {
        }
    }
}
