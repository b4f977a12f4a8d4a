using System.Buffers.Binary;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Decoding;

public class PacketDecoderTests
{
    private readonly PacketDecoder _decoder = new();

    private Result Decode(byte[] frame, LinkType link = LinkType.Ethernet, int wire = -1, long time = 0)
    {
        var info = new PacketInfo { LinkType = link, CaptureLength = frame.Length, WireLength = wire < 0 ? frame.Length : wire, Timestamp = time };
        var p = default(DecodedPacket);
        _decoder.Decode(info, frame, ref p);
        return new Result(p.Kind, p.Event, p.Source.ToString(), p.Destination.ToString(), p.Protocol, p.SourcePort, p.DestinationPort,
            p.IpLength, p.PayloadLength, p.Payload.ToArray(), p.Vlan, p.Reassembled);
    }

    private sealed record Result(PacketKind Kind, DecodeEvent Event, string Source, string Destination, byte Protocol,
        ushort SourcePort, ushort DestinationPort, int IpLength, int PayloadLength, byte[] Payload, ushort Vlan, bool Reassembled);

    [Fact]
    public void DecodesTcpOverEthernet()
    {
        var r = Decode(Frames.Tcp("10.1.2.3", 51514, "10.9.0.15", 443, Frames.Syn | Frames.Ack, payload: [1, 2, 3, 4]));
        Assert.Equal((PacketKind.Ip, DecodeEvent.None), (r.Kind, r.Event));
        Assert.Equal(("10.1.2.3", "10.9.0.15", IpProtocol.Tcp, (ushort)51514, (ushort)443), (r.Source, r.Destination, r.Protocol, r.SourcePort, r.DestinationPort));
        Assert.Equal(4, r.PayloadLength);
        Assert.Equal(20 + 20 + 4, r.IpLength);
    }

    [Fact]
    public void DecodesUdpOverIpv6()
    {
        var r = Decode(Frames.Udp("2001:db8::1", 5353, "2001:db8::2", 623, [9, 9]));
        Assert.Equal(PacketKind.Ip, r.Kind);
        Assert.Equal(("2001:db8::1", "2001:db8::2", (ushort)623), (r.Source, r.Destination, r.DestinationPort));
        Assert.Equal([9, 9], r.Payload);
    }

    [Fact]
    public void EthernetPaddingIsNotPayload()
    {
        var frame = Frames.Udp("10.0.0.1", 1, "10.0.0.2", 2, [7]);
        var padded = new byte[64];
        frame.CopyTo(padded, 0);
        var r = Decode(padded);
        Assert.Equal([7], r.Payload);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void FollowsStackedVlanTags(int tags)
    {
        var frame = Frames.Udp("10.0.0.1", 1, "10.0.0.2", 161, [1]);
        var tagged = new List<byte>(frame[..12]);
        for (var i = 0; i < tags; i++)
        {
            tagged.AddRange(new byte[] { (byte)(i == 0 ? 0x88 : 0x81), (byte)(i == 0 ? 0xA8 : 0x00), 0x00, (byte)(10 + i) });
        }

        tagged.AddRange(frame[12..]);
        var r = Decode([.. tagged]);
        Assert.Equal(PacketKind.Ip, r.Kind);
        Assert.Equal((ushort)161, r.DestinationPort);
        Assert.Equal((ushort)10, r.Vlan);
    }

    [Fact]
    public void TooManyVlanTagsIsAnAnomalyNotALoop()
    {
        var frame = Frames.Udp("10.0.0.1", 1, "10.0.0.2", 161, [1]);
        var tagged = new List<byte>(frame[..12]);
        for (var i = 0; i < 50; i++)
        {
            tagged.AddRange(new byte[] { 0x81, 0x00, 0x00, 0x01 });
        }

        tagged.AddRange(frame[12..]);
        var r = Decode([.. tagged]);
        Assert.Equal((PacketKind.Malformed, DecodeEvent.TooManyLayers), (r.Kind, r.Event));
    }

    [Fact]
    public void DecodesLinuxCookedV1AndV2()
    {
        var ip = Frames.IpOf(Frames.Udp("10.0.0.1", 1, "10.0.0.2", 514, [1]));
        var sll = new byte[16 + ip.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(4), 6);
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(14), 0x0800);
        ip.CopyTo(sll, 16);
        Assert.Equal((ushort)514, Decode(sll, LinkType.LinuxSll).DestinationPort);

        var sll2 = new byte[20 + ip.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sll2, 0x0800);
        BinaryPrimitives.WriteUInt16BigEndian(sll2.AsSpan(8), 1);
        sll2[11] = 6;
        ip.CopyTo(sll2, 20);
        Assert.Equal((ushort)514, Decode(sll2, LinkType.LinuxSll2).DestinationPort);
    }

    [Theory]
    [InlineData(LinkType.Null, false, 2u)]
    [InlineData(LinkType.Null, true, 2u)]
    [InlineData(LinkType.Loop, true, 2u)]
    [InlineData(LinkType.Null, false, 30u)]
    public void DecodesBsdLoopbackInEitherByteOrder(LinkType link, bool bigEndian, uint family)
    {
        var ip = Frames.IpOf(family == 2
            ? Frames.Udp("10.0.0.1", 1, "10.0.0.2", 53, [1])
            : Frames.Udp("::1", 1, "::1", 53, [1]));
        var frame = new byte[4 + ip.Length];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame, family);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frame, family);
        }

        ip.CopyTo(frame, 4);
        var r = Decode(frame, link);
        Assert.Equal((PacketKind.Ip, (ushort)53), (r.Kind, r.DestinationPort));
    }

    [Theory]
    [InlineData(LinkType.Raw)]
    [InlineData(LinkType.Ipv4)]
    public void DecodesRawIp(LinkType link)
    {
        var r = Decode(Frames.IpOf(Frames.Tcp("192.0.2.10", 50123, "192.0.2.20", 623, Frames.Syn)), link);
        Assert.Equal(("192.0.2.10", (ushort)623), (r.Source, r.DestinationPort));
    }

    [Fact]
    public void UnknownLinkTypeIsCountedNotDropped()
    {
        var r = Decode([1, 2, 3, 4], (LinkType)147);
        Assert.Equal(PacketKind.UnsupportedLinkType, r.Kind);
        Assert.Equal(1, _decoder.Counters.UnsupportedLinkTypes[147]);
    }

    [Fact]
    public void SnapLengthTruncationIsNotAnAnomaly()
    {
        var frame = Frames.Udp("10.0.0.1", 1, "10.0.0.2", 2, new byte[1000]);
        var r = Decode(frame[..64], wire: frame.Length);
        Assert.Equal((PacketKind.Ip, DecodeEvent.None), (r.Kind, r.Event));
        Assert.Equal(1000, r.PayloadLength);
        Assert.Equal(64 - 14 - 28, r.Payload.Length);
    }

    [Fact]
    public void DatagramLongerThanTheFrameIsAnAnomaly()
    {
        var frame = Frames.Udp("10.0.0.1", 1, "10.0.0.2", 2, new byte[100]);
        var r = Decode(frame[..60]);
        Assert.Equal(DecodeEvent.Ipv4TruncatedPacket, r.Event);
    }

    [Theory]
    [InlineData(0x65, DecodeEvent.Ipv4WrongVersion)]
    [InlineData(0x44, DecodeEvent.Ipv4HeaderLengthTooSmall)]
    public void BrokenIpv4HeadersAreMalformed(byte versionAndLength, DecodeEvent expected)
    {
        var frame = Frames.Udp("10.0.0.1", 1, "10.0.0.2", 2, [1]);
        frame[14] = versionAndLength;
        var r = Decode(frame);
        Assert.Equal((PacketKind.Malformed, expected), (r.Kind, r.Event));
    }

    [Fact]
    public void EveryPrefixOfAFrameDecodesWithoutThrowing()
    {
        var frames = new[]
        {
            Frames.Tcp("10.0.0.1", 1, "10.0.0.2", 2, Frames.Syn, payload: [1, 2, 3]),
            Frames.Udp("2001:db8::1", 1, "2001:db8::2", 2, [1, 2, 3]),
            Frames.IcmpEcho("10.0.0.1", "10.0.0.2", reply: false),
            Frames.Arp("10.0.0.1", Frames.MacA, "10.0.0.2"),
        };
        foreach (var frame in frames)
        {
            for (var n = 0; n <= frame.Length; n++)
            {
                Decode(frame[..n]);
                Decode(frame[..n], wire: frame.Length);
            }
        }
    }

    [Fact]
    public void ReassemblesIpv4FragmentsInAnyOrder()
    {
        var payload = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var whole = Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 623, payload);
        var fragments = FragmentIpv4(whole, 1480).Reverse().ToList();
        Result? last = null;
        for (var i = 0; i < fragments.Count; i++)
        {
            last = Decode(fragments[i]);
            Assert.Equal(i < fragments.Count - 1 ? PacketKind.FragmentHeld : PacketKind.Ip, last.Kind);
        }

        Assert.True(last!.Reassembled);
        Assert.Equal((ushort)623, last.DestinationPort);
        Assert.Equal(payload, last.Payload);
        Assert.Equal(20 + 8 + 3000, last.IpLength);
    }

    [Fact]
    public void OverlappingFragmentsAreReported()
    {
        var whole = Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 623, new byte[2000]);
        var fragments = FragmentIpv4(whole, 1000).ToList();
        Decode(fragments[0]);
        var again = Decode(fragments[0]);
        Assert.Equal(DecodeEvent.FragmentOverlap, again.Event);
    }

    [Fact]
    public void FragmentFloodStaysWithinTheCache()
    {
        var decoder = new PacketDecoder(new FragmentReassembler(maxDatagrams: 16));
        var whole = Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 623, new byte[2000]);
        var first = FragmentIpv4(whole, 1000).First();
        for (ushort id = 0; id < 1000; id++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(first.AsSpan(14 + 4), id);
            var info = new PacketInfo { LinkType = LinkType.Ethernet, CaptureLength = first.Length, WireLength = first.Length };
            var p = default(DecodedPacket);
            decoder.Decode(info, first, ref p);
        }

        Assert.Equal(16, decoder.Fragments.InProgress);
        Assert.Equal(1000 - 16, decoder.Fragments.Evicted);
    }

    [Fact]
    public void IncompleteFragmentsExpireInPacketTime()
    {
        var whole = Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 623, new byte[2000]);
        var fragments = FragmentIpv4(whole, 1000).ToList();
        Decode(fragments[0], time: 0);
        Decode(fragments[1], time: 31_000_000_000); // a second datagram after the 30 s timeout
        Assert.Equal(1, _decoder.Fragments.Expired);
    }

    [Fact]
    public void ReassemblesIpv6Fragments()
    {
        var payload = Enumerable.Range(0, 2500).Select(i => (byte)(i * 7)).ToArray();
        var whole = Frames.Udp("2001:db8::1", 40000, "2001:db8::2", 161, payload);
        Result? last = null;
        foreach (var f in FragmentIpv6(whole, 1200))
        {
            last = Decode(f);
        }

        Assert.Equal(PacketKind.Ip, last!.Kind);
        Assert.True(last.Reassembled);
        Assert.Equal(payload, last.Payload);
        Assert.Equal((ushort)161, last.DestinationPort);
    }

    [Fact]
    public void DecapsulatesIpInIpGreErspanAndVxlan()
    {
        var inner = Frames.Udp("10.50.0.23", 40000, "203.0.113.77", 443, [1, 2, 3]);
        var innerIp = Frames.IpOf(inner);

        // IPv4 in IPv4
        var ipip = Frames.IpOf(Frames.Udp("192.0.2.1", 1, "192.0.2.2", 2, innerIp));
        Assert.Equal("10.50.0.23", Decode(OuterIpv4(4, innerIp)).Source);

        // GRE carrying IPv4, and ERSPAN II carrying the Ethernet frame
        var gre = new byte[4 + innerIp.Length];
        BinaryPrimitives.WriteUInt16BigEndian(gre.AsSpan(2), 0x0800);
        innerIp.CopyTo(gre, 4);
        Assert.Equal("203.0.113.77", Decode(OuterIpv4(47, gre)).Destination);

        var erspan = new byte[8 + 8 + inner.Length];
        erspan[0] = 0x10; // sequence number present
        BinaryPrimitives.WriteUInt16BigEndian(erspan.AsSpan(2), 0x88BE);
        inner.CopyTo(erspan, 16);
        var r = Decode(OuterIpv4(47, erspan));
        Assert.Equal(("10.50.0.23", (ushort)443), (r.Source, r.DestinationPort));

        // VXLAN
        var vx = new byte[8 + inner.Length];
        vx[0] = 0x08;
        inner.CopyTo(vx, 8);
        var v = Decode(Frames.Udp("192.0.2.1", 55555, "192.0.2.2", 4789, vx));
        Assert.Equal(("10.50.0.23", (ushort)443), (v.Source, v.DestinationPort));
        Assert.Equal(4, _decoder.Counters.Tunneled);
        _ = ipip;
    }

    [Fact]
    public void GarbageInsideATunnelKeepsTheOuterPacket()
    {
        var r = Decode(Frames.Udp("192.0.2.1", 55555, "192.0.2.2", 4789, [0x08, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]));
        Assert.Equal(("192.0.2.1", (ushort)4789), (r.Source, r.DestinationPort));
    }

    private static byte[] OuterIpv4(byte protocol, byte[] payload)
    {
        var carrier = Frames.Udp("192.0.2.1", 1, "192.0.2.2", 2, payload);
        var ip = Frames.IpOf(carrier);
        var outer = new byte[14 + 20 + payload.Length];
        carrier.AsSpan(0, 14).CopyTo(outer);
        ip.AsSpan(0, 20).CopyTo(outer.AsSpan(14));
        BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(14 + 2), (ushort)(20 + payload.Length));
        outer[14 + 9] = protocol;
        payload.CopyTo(outer, 34);
        return outer;
    }

    /// <summary>Splits an Ethernet/IPv4 frame into fragments of at most <paramref name="size"/> payload bytes.</summary>
    internal static IEnumerable<byte[]> FragmentIpv4(byte[] frame, int size)
    {
        var ipHeader = frame.AsSpan(14, 20).ToArray();
        var payload = frame.AsSpan(34).ToArray();
        for (var offset = 0; offset < payload.Length; offset += size)
        {
            var n = Math.Min(size, payload.Length - offset);
            var f = new byte[14 + 20 + n];
            frame.AsSpan(0, 14).CopyTo(f);
            ipHeader.CopyTo(f, 14);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14 + 2), (ushort)(20 + n));
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14 + 4), 0x1234);
            var more = offset + n < payload.Length;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14 + 6), (ushort)((more ? 0x2000 : 0) | (offset / 8)));
            payload.AsSpan(offset, n).CopyTo(f.AsSpan(34));
            yield return f;
        }
    }

    private static IEnumerable<byte[]> FragmentIpv6(byte[] frame, int size)
    {
        var header = frame.AsSpan(14, 40).ToArray();
        var next = header[6];
        var payload = frame.AsSpan(54).ToArray();
        for (var offset = 0; offset < payload.Length; offset += size)
        {
            var n = Math.Min(size, payload.Length - offset);
            var f = new byte[14 + 40 + 8 + n];
            frame.AsSpan(0, 14).CopyTo(f);
            header.CopyTo(f, 14);
            f[14 + 6] = 44;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14 + 4), (ushort)(8 + n));
            f[54] = next;
            var more = offset + n < payload.Length;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(56), (ushort)(offset | (more ? 1 : 0)));
            BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(58), 0xCAFEF00D);
            payload.AsSpan(offset, n).CopyTo(f.AsSpan(62));
            yield return f;
        }
    }
}
