using System.Runtime.CompilerServices;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Flows;

/// <summary>
/// The flow table runs on every IP packet: once warm it must allocate nothing, both for packets of flows
/// it holds and for packets that start flows while older ones time out. Measured with the thread's
/// allocation counter (<see cref="Allocations"/>) around real packets from the repository's recordings.
/// </summary>
public class FlowTableAllocationTests
{
    private const int Packets = 10_000;

    /// <summary>1 ms between new flows: about 1,000 flows end in each second of packet time.</summary>
    private const long InsertGap = 1_000_000;

    [Fact]
    public void AFlowsEntryStaysWithinItsMemoryBudget()
    {
        // A million concurrent flows are a million entries (plus 16 bytes of index each): 168 bytes keeps a
        // UDP flow under issue 6's 200 per flow; a TCP flow adds its sequence tracking, held apart.
        Assert.True(Unsafe.SizeOf<FlowEntry>() <= 168, $"FlowEntry is {Unsafe.SizeOf<FlowEntry>()} bytes");
        Assert.True(Unsafe.SizeOf<TcpFlowState>() <= 56, $"TcpFlowState is {Unsafe.SizeOf<TcpFlowState>()} bytes");
    }

    [Fact]
    public void PacketsOfExistingFlowsAllocateNothing()
    {
        // Connection openings and closings would start and end flows; everything else keeps them open.
        var frames = RecordedFrames.Repository().Where(f => !OpensOrCloses(f.Data)).ToList();
        var decoder = new PacketDecoder();
        var table = new FlowTable(new IgnoreFlowEnd());
        Observe(decoder, table, frames, frames.Count);
        var flows = table.Active;

        var allocated = Allocations.Least(() => Observe(decoder, table, frames, Packets));

        Assert.Equal(0, allocated);
        Assert.True(flows >= 10, $"only {flows} flows");
        Assert.Equal(flows, table.Active);
        Assert.Equal(flows, table.Counters.Created);
    }

    [Fact]
    public void NewFlowsWhileOldOnesTimeOutAllocateNothingOnceTheTableIsWarm()
    {
        // The first IPMI request of ipmi-sim-sessions.pcap, sent from a new client address and port each time.
        var (info, request) = RecordedFrames.Load(Path.Combine(RepoPaths.Pcaps, "ipmi-sim-sessions.pcap"))[0];
        var decoder = new PacketDecoder();
        var table = new FlowTable(new IgnoreFlowEnd());
        long n = 0;

        // Two UDP timeouts (60 s each) of new flows: the table reaches its steady size and expiry is running.
        Insert(decoder, table, info, request, ref n, 120_000);
        var timedOutBefore = table.Counters.TimedOut;

        var attempts = 0;
        var allocated = Allocations.Least(() =>
        {
            attempts++;
            Insert(decoder, table, info, request, ref n, Packets);
        });

        Assert.Equal(0, allocated);
        Assert.InRange(table.Counters.TimedOut - timedOutBefore, attempts * Packets * 8 / 10, attempts * Packets * 12 / 10);
        Assert.InRange(table.Active, 55_000, 65_000);
    }

    private static void Observe(PacketDecoder decoder, FlowTable table, List<(PacketInfo Info, byte[] Data)> frames, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (info, data) = frames[i % frames.Count];
            var p = default(DecodedPacket);
            decoder.Decode(info, data, ref p);
            if (p.Kind == PacketKind.Ip)
            {
                table.Observe(PcapBuilder.T0, i, ref p, out _);
            }
        }
    }

    private static void Insert(PacketDecoder decoder, FlowTable table, PacketInfo info, byte[] request, ref long n, int count)
    {
        for (var i = 0; i < count; i++)
        {
            n++;
            var p = default(DecodedPacket);
            decoder.Decode(info, request, ref p);
            p.Source = HostAddress.FromV4(0x0A80_0000u | (uint)(n / 60_000));
            p.SourcePort = (ushort)(1024 + (n % 60_000));
            table.Observe(PcapBuilder.T0 + (n * InsertGap), n, ref p, out _);
        }
    }

    private static bool OpensOrCloses(byte[] frame) =>
        frame.Length > 47 && frame[23] == IpProtocol.Tcp && (frame[14 + ((frame[14] & 0x0F) * 4) + 13] & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst)) != 0;

    private sealed class IgnoreFlowEnd : IFlowEndHandler
    {
        public void OnFlowEnd(FlowTable table, int flow, FlowEndReason reason)
        {
        }
    }
}
