using System.Buffers.Binary;
using System.Net;
using PacketDotNet;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// Frames the repository's recordings lack (802.1Q tags, IPv6, IPv4 fragments), made from their real
/// frames: the payload bytes stay the recorded ones, only the headers around them change.
/// </summary>
internal static class DerivedFrames
{
    private const int EthernetHeader = 14;
    private const int Ipv4Header = 20;

    /// <summary>The frame with one 802.1Q tag (VLAN <paramref name="vlan"/>) after the MAC addresses.</summary>
    public static byte[] Vlan(byte[] frame, ushort vlan)
    {
        var tagged = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), vlan);
        frame.AsSpan(12).CopyTo(tagged.AsSpan(16));
        return tagged;
    }

    /// <summary>
    /// The UDP or TCP segment of an Ethernet/IPv4 frame carried over IPv6 instead, between documentation
    /// addresses (RFC 3849) embedding the IPv4 ones, with transport checksums recomputed.
    /// </summary>
    public static byte[] Ipv6(byte[] frame)
    {
        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
        var v4 = (IPv4Packet)ethernet.PayloadPacket;
        var transport = (TransportPacket)v4.PayloadPacket;
        var source = V6(v4.SourceAddress);
        var destination = V6(v4.DestinationAddress);
        var v6 = new IPv6Packet(source, destination) { HopLimit = v4.TimeToLive, PayloadPacket = transport };
        v6.UpdateCalculatedValues();
        switch (transport)
        {
            case UdpPacket udp:
                udp.UpdateUdpChecksum();
                break;
            case TcpPacket tcp:
                tcp.UpdateTcpChecksum();
                break;
        }

        return new EthernetPacket(ethernet.SourceHardwareAddress, ethernet.DestinationHardwareAddress, EthernetType.IPv6) { PayloadPacket = v6 }.Bytes;
    }

    /// <summary>
    /// An Ethernet/IPv4 frame (20-byte IP header) split into two fragments at the first 8-byte boundary
    /// past half its payload (RFC 791 §3.2), with header checksums recomputed.
    /// </summary>
    public static (byte[] First, byte[] Second) FragmentPair(byte[] frame, ushort id)
    {
        var payload = frame.AsSpan(EthernetHeader + Ipv4Header);
        var split = (payload.Length / 2 + 7) & ~7;
        if (split <= 0 || split >= payload.Length)
        {
            throw new ArgumentException("the frame's IP payload is too short to fragment", nameof(frame));
        }

        return (Fragment(frame, payload[..split], 0, more: true, id), Fragment(frame, payload[split..], split, more: false, id));
    }

    private static byte[] Fragment(byte[] frame, ReadOnlySpan<byte> part, int offset, bool more, ushort id)
    {
        var f = new byte[EthernetHeader + Ipv4Header + part.Length];
        frame.AsSpan(0, EthernetHeader + Ipv4Header).CopyTo(f);
        var ip = f.AsSpan(EthernetHeader, Ipv4Header);
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(Ipv4Header + part.Length));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], (ushort)((more ? 0x2000 : 0) | (offset / 8)));
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], HeaderChecksum(ip));
        part.CopyTo(f.AsSpan(EthernetHeader + Ipv4Header));
        return f;
    }

    /// <summary>The Internet checksum of a header (RFC 1071).</summary>
    private static ushort HeaderChecksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>The IPv4 address embedded in the documentation prefix: 2001:db8::a.b.c.d.</summary>
    private static IPAddress V6(IPAddress v4)
    {
        var bytes = new byte[16];
        bytes[0] = 0x20;
        bytes[1] = 0x01;
        bytes[2] = 0x0d;
        bytes[3] = 0xb8;
        v4.GetAddressBytes().CopyTo(bytes, 12);
        return new IPAddress(bytes);
    }
}
