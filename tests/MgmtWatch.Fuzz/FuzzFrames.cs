using System.Buffers.Binary;

namespace MgmtWatch.Fuzz;

/// <summary>
/// Writes Ethernet/IPv4/UDP and Ethernet/IPv4/TCP frames into a caller's buffer, lengths and checksums
/// right, so the fuzzer's bytes reach the analyzers exactly as a sender's would (and no allocation per
/// packet slows the campaign down).
/// </summary>
internal static class FuzzFrames
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;

    private const int Ethernet = 14;
    private const int Ipv4 = 20;

    /// <summary>A UDP datagram; returns the frame length.</summary>
    public static int Udp(byte[] frame, in FuzzTargets.Endpoint from, in FuzzTargets.Endpoint to, ReadOnlySpan<byte> payload)
    {
        var udp = frame.AsSpan(Ethernet + Ipv4);
        BinaryPrimitives.WriteUInt16BigEndian(udp, from.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], to.Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        payload.CopyTo(udp[8..]);
        var length = 8 + payload.Length;
        var sum = TransportChecksum(from.Address, to.Address, 17, udp[..length]);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], sum == 0 ? (ushort)0xFFFF : sum); // RFC 768: 0 means none
        return Header(frame, from.Address, to.Address, 17, length);
    }

    /// <summary>A TCP segment; returns the frame length.</summary>
    public static int Tcp(byte[] frame, in FuzzTargets.Endpoint from, in FuzzTargets.Endpoint to, byte flags, ReadOnlySpan<byte> payload)
    {
        var tcp = frame.AsSpan(Ethernet + Ipv4);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, from.Port);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], to.Port);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], from.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], (flags & Ack) != 0 ? from.Acknowledged : 0);
        tcp[12] = 5 << 4; // data offset: 5 words, no options
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 64_240);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[16..], 0); // checksum, urgent pointer
        payload.CopyTo(tcp[20..]);
        var length = 20 + payload.Length;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], TransportChecksum(from.Address, to.Address, 6, tcp[..length]));
        return Header(frame, from.Address, to.Address, 6, length);
    }

    private static int Header(byte[] frame, uint source, uint destination, byte protocol, int transportLength)
    {
        var f = frame.AsSpan();
        f[..12].Fill(0x02); // locally administered MACs
        f[5] = 0x09;
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f.Slice(Ethernet, Ipv4);
        ip.Clear();
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(Ipv4 + transportLength));
        ip[6] = 0x40; // don't fragment
        ip[8] = 64;
        ip[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Fold(Sum(ip, 0)));
        return Ethernet + Ipv4 + transportLength;
    }

    private static ushort TransportChecksum(uint source, uint destination, byte protocol, ReadOnlySpan<byte> segment)
    {
        // RFC 793 §3.1 / RFC 768: the pseudo-header is source, destination, zero, protocol, length.
        ulong sum = (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol + (uint)segment.Length;
        return Fold(Sum(segment, sum));
    }

    private static ulong Sum(ReadOnlySpan<byte> data, ulong sum)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    private static ushort Fold(ulong sum)
    {
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
