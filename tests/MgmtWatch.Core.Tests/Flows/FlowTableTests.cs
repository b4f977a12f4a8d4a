using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Flows;

public class FlowTableTests
{
    private const string Client = "10.1.2.3";
    private const string Bmc = "10.9.0.15";

    private static FlowSnapshot Single(PcapBuilder b, PipelineOptions? options = null)
    {
        var (events, _) = Analyze.Capture(b, options);
        return Assert.Single(events.Flows);
    }

    private static PcapBuilder Handshake(PcapBuilder b, double t = 0, ushort port = 51514)
    {
        b.Add(t, Frames.Tcp(Client, port, Bmc, 443, Frames.Syn, seq: 100));
        b.Add(t + 0.001, Frames.Tcp(Bmc, 443, Client, port, Frames.Syn | Frames.Ack, seq: 900, ack: 101));
        b.Add(t + 0.002, Frames.Tcp(Client, port, Bmc, 443, Frames.Ack, seq: 101, ack: 901));
        return b;
    }

    [Fact]
    public void SynWithoutReplyIsS0()
    {
        var f = Single(new PcapBuilder().Add(0, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Syn)));
        Assert.Equal(("S0", "S"), (f.ConnState, f.History));
        Assert.Equal((Client, Bmc, (ushort)443), (f.Orig, f.Resp, f.RespPort));
    }

    [Fact]
    public void CompleteConnectionIsSfWithZeekHistory()
    {
        var b = Handshake(new PcapBuilder());
        b.Add(0.003, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Ack | Frames.Psh, seq: 101, ack: 901, payload: new byte[100]));
        b.Add(0.0035, Frames.Tcp(Bmc, 443, Client, 51514, Frames.Ack, seq: 901, ack: 201));
        b.Add(0.004, Frames.Tcp(Bmc, 443, Client, 51514, Frames.Ack | Frames.Psh, seq: 901, ack: 201, payload: new byte[300]));
        b.Add(0.005, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Fin | Frames.Ack, seq: 201, ack: 1201));
        b.Add(0.006, Frames.Tcp(Bmc, 443, Client, 51514, Frames.Fin | Frames.Ack, seq: 1201, ack: 202));
        b.Add(0.007, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Ack, seq: 202, ack: 1202));
        var f = Single(b);
        Assert.Equal(("SF", "ShADadFf"), (f.ConnState, f.History));
        Assert.Equal((100UL, 300UL), (f.OrigBytes, f.RespBytes));
        Assert.Equal((5u, 4u), (f.OrigPackets, f.RespPackets));
        Assert.Equal(0UL, f.MissedBytes);
    }

    [Fact]
    public void RetransmittedDataIsCountedOnceAndMarked()
    {
        var b = Handshake(new PcapBuilder());
        var data = Frames.Tcp(Client, 51514, Bmc, 443, Frames.Ack | Frames.Psh, seq: 101, ack: 901, payload: new byte[50]);
        b.Add(0.003, data).Add(0.2, data);
        var f = Single(b);
        Assert.Equal(50UL, f.OrigBytes);
        Assert.Contains("T", f.History, StringComparison.Ordinal);
    }

    [Fact]
    public void SequenceGapCountsAsMissedBytes()
    {
        var b = Handshake(new PcapBuilder());
        b.Add(0.003, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Ack, seq: 101 + 1000, ack: 901, payload: new byte[10]));
        var f = Single(b);
        Assert.Equal(1000UL, f.MissedBytes);
        Assert.Equal(1010UL, f.OrigBytes);
        Assert.Contains("G", f.History, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedConnectionIsRej()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Tcp(Client, 51514, Bmc, 22, Frames.Syn, seq: 5))
            .Add(0.001, Frames.Tcp(Bmc, 22, Client, 51514, Frames.Rst | Frames.Ack, seq: 0, ack: 6));
        var f = Single(b);
        Assert.Equal(("REJ", "Sr"), (f.ConnState, f.History));
    }

    [Fact]
    public void OriginatorAbortIsRsto()
    {
        var b = Handshake(new PcapBuilder());
        b.Add(0.01, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Rst | Frames.Ack, seq: 101, ack: 901));
        Assert.Equal("RSTO", Single(b).ConnState);
    }

    [Fact]
    public void SynThenRstWithoutReplyIsRstos0()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Syn, seq: 5))
            .Add(0.5, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Rst, seq: 6));
        Assert.Equal(("RSTOS0", "SR"), (Single(b).ConnState, Single(b).History));
    }

    [Fact]
    public void HandshakeWithoutCloseIsS1()
    {
        Assert.Equal("S1", Single(Handshake(new PcapBuilder())).ConnState);
    }

    [Fact]
    public void SynAckFirstMakesTheOtherSideTheOriginator()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Tcp(Bmc, 443, Client, 51514, Frames.Syn | Frames.Ack, seq: 900, ack: 101))
            .Add(0.001, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Ack, seq: 101, ack: 901));
        var f = Single(b);
        Assert.Equal((Client, Bmc), (f.Orig, f.Resp));
        Assert.StartsWith("^h", f.History, StringComparison.Ordinal);
    }

    [Fact]
    public void MidstreamReplyFromAServerPortIsFlipped()
    {
        var f = Single(new PcapBuilder().Add(0, Frames.Udp(Bmc, 623, Client, 40000, [1, 2])));
        Assert.Equal((Client, (ushort)623), (f.Orig, f.RespPort));
        Assert.Equal(("SHR", "^d"), (f.ConnState, f.History));
    }

    [Fact]
    public void UdpRequestAndReplyIsSfDd()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Client, 40000, Bmc, 161, [1, 2, 3]))
            .Add(0.01, Frames.Udp(Bmc, 161, Client, 40000, [4, 5, 6, 7]));
        var f = Single(b);
        Assert.Equal(("SF", "Dd", 3UL, 4UL), (f.ConnState, f.History, f.OrigBytes, f.RespBytes));
        Assert.Equal(((ulong)(20 + 8 + 3), (ulong)(20 + 8 + 4)), (f.OrigIpBytes, f.RespIpBytes));
    }

    [Fact]
    public void IdleUdpFlowTimesOutAndANewOneStarts()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Client, 40000, Bmc, 623, [1]))
            .Add(61, Frames.Udp(Client, 40000, Bmc, 623, [2]));
        var (events, _) = Analyze.Capture(b);
        Assert.Equal(2, events.Flows.Count);
        Assert.Equal(FlowEndReason.Timeout, events.Flows[0].Reason);
        Assert.Equal(FlowEndReason.Shutdown, events.Flows[1].Reason);
        Assert.NotEqual(events.Flows[0].Uid, events.Flows[1].Uid);
    }

    [Fact]
    public void TimeoutsAreSettable()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Client, 40000, Bmc, 623, [1]))
            .Add(20, Frames.Udp(Client, 40000, Bmc, 623, [2]));
        var options = new PipelineOptions { Timeouts = new FlowTimeouts { Udp = TimeSpan.FromSeconds(10) } };
        Assert.Equal(2, Analyze.Capture(b, options).Events.Flows.Count);
    }

    [Fact]
    public void ClosedConnectionEndsAfterItsLingerAndPortReuseStartsANewFlow()
    {
        var b = Handshake(new PcapBuilder());
        b.Add(0.01, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Fin | Frames.Ack, seq: 101, ack: 901));
        b.Add(0.02, Frames.Tcp(Bmc, 443, Client, 51514, Frames.Fin | Frames.Ack, seq: 901, ack: 102));
        b.Add(1, Frames.Tcp(Client, 51514, Bmc, 443, Frames.Syn, seq: 7000)); // reuse within the linger
        b.Add(30, Frames.Udp(Client, 1, Bmc, 2, [1])); // moves packet time on
        var (events, _) = Analyze.Capture(b);
        var tcp = events.Flows.Where(f => f.Protocol == 6).ToList();
        Assert.Equal(2, tcp.Count);
        Assert.Equal("SF", tcp[0].ConnState);
        Assert.Equal("S0", tcp[1].ConnState);
    }


    [Fact]
    public void ANewTcpFlowStartsCleanInTheSlotsOfAnEndedOne()
    {
        // A UDP flow first, so the TCP flows' table slots and their TCP-state slots are not the same numbers;
        // the first connection leaves a gap, a reset and a sequence position behind, and ends within its
        // linger; the second reuses both slots and must show none of that.
        var b = new PcapBuilder().Add(0, Frames.Udp(Client, 40000, Bmc, 623, [1]));
        b.Add(0.1, Frames.Tcp(Client, 50001, Bmc, 443, Frames.Syn, seq: 100));
        b.Add(0.101, Frames.Tcp(Bmc, 443, Client, 50001, Frames.Syn | Frames.Ack, seq: 900, ack: 101));
        b.Add(0.102, Frames.Tcp(Client, 50001, Bmc, 443, Frames.Ack | Frames.Psh, seq: 101 + 1000, ack: 901, payload: new byte[10]));
        b.Add(0.103, Frames.Tcp(Client, 50001, Bmc, 443, Frames.Rst, seq: 1111));
        b.Add(10, Frames.Tcp(Client, 50002, Bmc, 443, Frames.Syn, seq: 100));
        b.Add(10.001, Frames.Tcp(Bmc, 443, Client, 50002, Frames.Syn | Frames.Ack, seq: 900, ack: 101));
        b.Add(10.002, Frames.Tcp(Client, 50002, Bmc, 443, Frames.Ack | Frames.Psh, seq: 101, ack: 901, payload: new byte[10]));
        b.Add(10.003, Frames.Tcp(Client, 50002, Bmc, 443, Frames.Fin | Frames.Ack, seq: 111, ack: 901));
        b.Add(10.004, Frames.Tcp(Bmc, 443, Client, 50002, Frames.Fin | Frames.Ack, seq: 901, ack: 112));
        var (events, _) = Analyze.Capture(b);
        var tcp = events.Flows.Where(f => f.Protocol == 6).ToList();
        Assert.Equal(2, tcp.Count);
        Assert.Equal((50001, "RSTO", 1000UL), (tcp[0].OrigPort, tcp[0].ConnState, tcp[0].MissedBytes));
        Assert.Equal((50002, "SF", "ShDFf", 0UL, 10UL), (tcp[1].OrigPort, tcp[1].ConnState, tcp[1].History, tcp[1].MissedBytes, tcp[1].OrigBytes));
    }
    [Fact]
    public void LongFlowGetsInterimRecords()
    {
        var b = new PcapBuilder();
        for (var t = 0; t <= 7200; t += 10)
        {
            b.Add(t, Frames.Udp(Client, 40000, Bmc, 623, [1]));
        }

        var (events, summary) = Analyze.Capture(b);
        var interim = events.Flows.Where(f => f.Reason == FlowEndReason.Interim).ToList();
        Assert.InRange(interim.Count, 3, 4); // every 30 min over two hours
        Assert.All(interim, f => Assert.Equal(interim[0].Uid, f.Uid));
        Assert.Equal(FlowEndReason.Shutdown, events.Flows[^1].Reason);
        Assert.Equal(721u, events.Flows[^1].OrigPackets);
        Assert.Equal(interim.Count, summary.Flows.Interim);
    }

    [Fact]
    public void FullTableEvictsAndCountsButKeepsItsBound()
    {
        var b = new PcapBuilder();
        for (var i = 0; i < 500; i++)
        {
            b.Add(i * 0.001, Frames.Tcp($"10.0.{i / 250}.{i % 250 + 1}", 40000, Bmc, 22, Frames.Syn));
        }

        var (events, summary) = Analyze.Capture(b, new PipelineOptions { MaxFlows = 100 });
        Assert.Equal(500, events.Flows.Count);
        Assert.Equal(400, summary.Flows.Evicted);
        Assert.Equal(100, summary.Flows.PeakActive);
        Assert.Equal(400, events.Flows.Count(f => f.Reason == FlowEndReason.Evicted));
    }

    [Fact]
    public void IcmpEchoRequestAndReplyAreOneFlow()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.IcmpEcho(Client, Bmc, reply: false))
            .Add(0.001, Frames.IcmpEcho(Bmc, Client, reply: true));
        var f = Single(b);
        Assert.Equal((Client, (ushort)8, (ushort)0, 1u, 1u), (f.Orig, f.OrigPort, f.RespPort, f.OrigPackets, f.RespPackets));
    }

    [Fact]
    public void UidAndFlowIdAreStableAcrossRunsAndFlowIdFitsIn51Bits()
    {
        var b = Handshake(new PcapBuilder());
        var first = Single(b);
        var second = Single(b);
        Assert.Equal(first.Uid, second.Uid);
        Assert.Equal(first.FlowId, second.FlowId);
        Assert.True(first.FlowId <= 0x7_FFFF_FFFF_FFFFUL);
        Assert.Matches("^C[0-9A-Za-z]{10,17}$", first.Uid);
    }

    [FsCheck.Xunit.Property(MaxTest = 50)]
    public bool PerFlowPacketAndByteSumsEqualWhatWasFed(byte[] sizes)
    {
        var b = new PcapBuilder();
        var t = 0.0;
        var expectedPackets = 0;
        var expectedIpBytes = 0UL;
        foreach (var size in sizes.Take(60))
        {
            var flow = size % 5;
            var fromClient = size % 2 == 0;
            var frame = fromClient
                ? Frames.Udp(Client, (ushort)(40000 + flow), Bmc, 623, new byte[size])
                : Frames.Udp(Bmc, 623, Client, (ushort)(40000 + flow), new byte[size]);
            b.Add(t += 0.5, frame);
            expectedPackets++;
            expectedIpBytes += (ulong)(frame.Length - 14);
        }

        var (events, _) = Analyze.Capture(b);
        var flows = events.Flows.Where(f => f.Reason != FlowEndReason.Interim).ToList();
        return flows.Sum(f => (long)f.OrigPackets + f.RespPackets) == expectedPackets
               && flows.Aggregate(0UL, (s, f) => s + f.OrigIpBytes + f.RespIpBytes) == expectedIpBytes;
    }
}
