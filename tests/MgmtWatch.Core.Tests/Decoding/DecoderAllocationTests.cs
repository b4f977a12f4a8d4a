using System.Buffers.Binary;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Decoding;

/// <summary>
/// The decoder runs on every packet: once warm it must allocate nothing, whatever the frame. Measured
/// with the thread's allocation counter (<see cref="Allocations"/>) around real frames: the repository's recordings as they are,
/// and the same frames with an 802.1Q tag, carried over IPv6, or split into IPv4 fragments.
/// </summary>
public class DecoderAllocationTests
{
    private const int Packets = 10_000;

    [Fact]
    public void DecodingRecordedAndDerivedFramesAllocatesNothing()
    {
        var recorded = RecordedFrames.Repository();
        var frames = new List<(PacketInfo Info, byte[] Data)>(recorded);
        foreach (var (info, data) in recorded)
        {
            if (!IsIpv4(data, out var protocol, out var payload))
            {
                continue;
            }

            var tagged = Tagged(data, 10);
            frames.Add((RecordedFrames.For(info, tagged), tagged));
            if (protocol == IpProtocol.Udp)
            {
                var v6 = Frames.Udp("2001:db8::1", BinaryPrimitives.ReadUInt16BigEndian(payload), "2001:db8::2",
                    BinaryPrimitives.ReadUInt16BigEndian(payload[2..]), payload[8..].ToArray());
                frames.Add((RecordedFrames.For(info, v6), v6));
            }
            else if (protocol == IpProtocol.Tcp && payload.Length >= 400)
            {
                foreach (var fragment in PacketDecoderTests.FragmentIpv4(data, (payload.Length / 2 + 7) & ~7))
                {
                    frames.Add((RecordedFrames.For(info, fragment), fragment));
                }
            }
        }

        var decoder = new PacketDecoder();
        Decode(decoder, frames, frames.Count); // warm: JIT, statics, the fragment cache's buffers
        var reassembledBefore = decoder.Fragments.Reassembled;
        var ipv6Before = decoder.Counters.Ipv6;

        var ip = 0;
        var allocated = Allocations.Least(() => ip = Decode(decoder, frames, Packets));

        Assert.Equal(0, allocated);
        Assert.True(ip > Packets * 9 / 10, $"{ip} of {Packets} frames decoded as IP");
        Assert.True(decoder.Fragments.Reassembled > reassembledBefore, "no fragmented datagram was reassembled");
        Assert.True(decoder.Counters.Ipv6 > ipv6Before, "no IPv6 packet was decoded");
    }

    private static int Decode(PacketDecoder decoder, List<(PacketInfo Info, byte[] Data)> frames, int count)
    {
        var ip = 0;
        for (var i = 0; i < count; i++)
        {
            var (info, data) = frames[i % frames.Count];
            var p = default(DecodedPacket);
            decoder.Decode(info, data, ref p);
            ip += p.Kind == PacketKind.Ip ? 1 : 0;
        }

        return ip;
    }

    private static bool IsIpv4(byte[] frame, out byte protocol, out ReadOnlySpan<byte> payload)
    {
        protocol = 0;
        payload = default;
        if (frame.Length < 34 || BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) != 0x0800 || (frame[14] & 0x0F) != 5)
        {
            return false;
        }

        protocol = frame[23];
        payload = frame.AsSpan(34, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(16)) - 20);
        return true;
    }

    private static byte[] Tagged(byte[] frame, ushort vlan)
    {
        var tagged = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), vlan);
        frame.AsSpan(12).CopyTo(tagged.AsSpan(16));
        return tagged;
    }
}
