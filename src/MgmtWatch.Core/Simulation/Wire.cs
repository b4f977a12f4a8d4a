using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// The frame buffer of one behaviour: builds Ethernet II / IPv4 / UDP, TCP, ICMP and ARP frames in
/// place, with correct lengths and checksums. Written by hand rather than with PacketDotNet objects:
/// PacketDotNet builds a full-size TCP segment at about 100,000 frames/s on the project's build machine,
/// too slow for day-long captures of a large site; these builders are cross-checked against PacketDotNet
/// and tshark in the tests.
/// </summary>
internal sealed class Wire
{
    public const int EthernetHeader = 14;
    public const int Ipv4Header = 20;
    public const int UdpHeader = 8;
    public const int TcpHeader = 20;

    /// <summary>Ethernet MTU 1500 plus the 14-byte header: the largest frame this network carries.</summary>
    public const int MaxFrame = 1514;

    /// <summary>Payload offset of a UDP datagram (Ethernet + IPv4 + UDP headers).</summary>
    public const int UdpPayloadOffset = EthernetHeader + Ipv4Header + UdpHeader;

    /// <summary>Payload offset of a TCP segment without options.</summary>
    public const int TcpPayloadOffset = EthernetHeader + Ipv4Header + TcpHeader;

    /// <summary>Largest UDP payload in one unfragmented datagram.</summary>
    public const int MaxUdpPayload = MaxFrame - UdpPayloadOffset;

    /// <summary>TCP MSS on a 1500-byte MTU without TCP options in data segments.</summary>
    public const int Mss = 1460;

    private static readonly byte[] Broadcast = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    private ushort _ipId;

    public byte[] Frame { get; } = new byte[MaxFrame];

    /// <summary>Length of the frame currently held.</summary>
    public int Length { get; private set; }

    /// <summary>Timestamp of the frame currently held (µs).</summary>
    public long Time { get; private set; }

    /// <summary>The label row the current frame belongs to (attack traffic), or null for normal traffic.</summary>
    public LabelPattern? Pattern { get; set; }

    /// <summary>Where a UDP payload is built before <see cref="Udp(long, Host, ushort, Host, ushort, int)"/>.</summary>
    public Span<byte> UdpPayload => Frame.AsSpan(UdpPayloadOffset);

    /// <summary>Where a TCP payload is built before <see cref="Tcp"/>.</summary>
    public Span<byte> TcpPayload => Frame.AsSpan(TcpPayloadOffset);

    /// <summary>Prepares the buffer for a new behaviour that may not send before <paramref name="notBefore"/>.</summary>
    public void Reset(ushort ipIdStart, long notBefore)
    {
        _ipId = ipIdStart;
        Pattern = null;
        Length = 0;
        Time = notBefore;
    }

    /// <summary>A UDP datagram whose payload is already in <see cref="UdpPayload"/>.</summary>
    public long Udp(long time, Host src, ushort srcPort, Host dst, ushort dstPort, int payloadLength) =>
        UdpRaw(time, src.WireMac, src.Ip, src.WireTtl, srcPort, dst.WireMac, dst.Ip, dstPort, payloadLength);

    /// <summary>A UDP datagram carrying a copy of <paramref name="payload"/>.</summary>
    public long Udp(long time, Host src, ushort srcPort, Host dst, ushort dstPort, ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(UdpPayload);
        return Udp(time, src, srcPort, dst, dstPort, payload.Length);
    }

    /// <summary>A UDP datagram with explicit link and network addresses (DHCP broadcasts).</summary>
    public long UdpRaw(long time, byte[] srcMac, uint srcIp, byte ttl, ushort srcPort, byte[]? dstMac, uint dstIp, ushort dstPort, int payloadLength)
    {
        var f = Frame.AsSpan();
        var udpLength = UdpHeader + payloadLength;
        Ethernet(f, srcMac, dstMac ?? Broadcast, 0x0800);
        Ipv4(f, srcIp, dstIp, ttl, 17, udpLength, dontFragment: true);
        var u = f[(EthernetHeader + Ipv4Header)..];
        BinaryPrimitives.WriteUInt16BigEndian(u, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(u[2..], dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(u[4..], (ushort)udpLength);
        u[6] = 0;
        u[7] = 0;
        var sum = PseudoHeader(srcIp, dstIp, 17, udpLength);
        var checksum = InternetChecksum.Finish(InternetChecksum.Add(sum, u[..udpLength]));

        // RFC 768: a computed zero is sent as all ones (zero means "no checksum").
        BinaryPrimitives.WriteUInt16BigEndian(u[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
        return Done(time, EthernetHeader + Ipv4Header + udpLength);
    }

    /// <summary>
    /// A TCP segment whose payload is already in <see cref="TcpPayload"/>. With <paramref name="synOptions"/>
    /// the header carries MSS, window scale and SACK-permitted (12 bytes, as Windows and many embedded
    /// stacks send them) and must carry no payload.
    /// </summary>
    public long Tcp(long time, Host src, ushort srcPort, Host dst, ushort dstPort, uint seq, uint ack, byte flags, ushort window, int payloadLength, bool synOptions = false)
    {
        var f = Frame.AsSpan();
        var optionsLength = synOptions ? 12 : 0;
        var tcpLength = TcpHeader + optionsLength + payloadLength;
        Ethernet(f, src.WireMac, dst.WireMac, 0x0800);
        Ipv4(f, src.Ip, dst.Ip, src.WireTtl, 6, tcpLength, dontFragment: true);
        var t = f[(EthernetHeader + Ipv4Header)..];
        BinaryPrimitives.WriteUInt16BigEndian(t, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], dstPort);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], ack);
        t[12] = (byte)(((TcpHeader + optionsLength) / 4) << 4);
        t[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], window);
        t[16] = 0;
        t[17] = 0;
        t[18] = 0;
        t[19] = 0;
        if (synOptions)
        {
            // MSS 1460 (kind 2), NOP, window scale (kind 3), NOP, NOP, SACK permitted (kind 4): RFC 9293 §3.2,
            // RFC 7323 §2, RFC 2018 §2.
            ReadOnlySpan<byte> options = [0x02, 0x04, 0x05, 0xB4, 0x01, 0x03, 0x03, src.WindowScale, 0x01, 0x01, 0x04, 0x02];
            options.CopyTo(t[TcpHeader..]);
        }

        var sum = PseudoHeader(src.Ip, dst.Ip, 6, tcpLength);
        BinaryPrimitives.WriteUInt16BigEndian(t[16..], InternetChecksum.Finish(InternetChecksum.Add(sum, t[..tcpLength])));
        return Done(time, EthernetHeader + Ipv4Header + tcpLength);
    }

    /// <summary>
    /// An ICMP message: type, code, then <paramref name="body"/> (the 4-byte rest-of-header and data).
    /// </summary>
    public long Icmp(long time, Host src, Host dst, byte type, byte code, ReadOnlySpan<byte> body)
    {
        var f = Frame.AsSpan();
        var icmpLength = 4 + body.Length;
        Ethernet(f, src.WireMac, dst.WireMac, 0x0800);
        Ipv4(f, src.Ip, dst.Ip, src.WireTtl, 1, icmpLength, dontFragment: false);
        var m = f[(EthernetHeader + Ipv4Header)..];
        m[0] = type;
        m[1] = code;
        m[2] = 0;
        m[3] = 0;
        body.CopyTo(m[4..]);
        BinaryPrimitives.WriteUInt16BigEndian(m[2..], InternetChecksum.Finish(InternetChecksum.Add(0, m[..icmpLength])));
        return Done(time, EthernetHeader + Ipv4Header + icmpLength);
    }

    /// <summary>An ARP request or reply (RFC 826) for IPv4 over Ethernet, padded to the 60-byte minimum frame.</summary>
    public long Arp(long time, bool reply, byte[] senderMac, uint senderIp, byte[]? targetMac, uint targetIp, byte[]? ethernetDestination)
    {
        var f = Frame.AsSpan();
        Ethernet(f, senderMac, ethernetDestination ?? Broadcast, 0x0806);
        var a = f[EthernetHeader..];
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);         // hardware type Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(a[2..], 0x0800); // protocol IPv4
        a[4] = 6;
        a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a[6..], (ushort)(reply ? 2 : 1));
        senderMac.CopyTo(a[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(a[14..], senderIp);
        if (targetMac is null)
        {
            a.Slice(18, 6).Clear();
        }
        else
        {
            targetMac.CopyTo(a[18..]);
        }

        BinaryPrimitives.WriteUInt32BigEndian(a[24..], targetIp);

        // Ethernet minimum frame is 64 bytes with the FCS, 60 without (IEEE 802.3 §3.2.9): switches pad ARP.
        a.Slice(28, 60 - EthernetHeader - 28).Clear();
        return Done(time, 60);
    }

    /// <summary>No frame: the behaviour only waits until <paramref name="time"/> (the scheduler writes nothing).</summary>
    public long Timer(long time) => Done(time, 0);

    /// <summary>
    /// Records the frame. A behaviour that interleaves several conversations (a login that makes the BMC
    /// query LDAP and write syslog in between) may compute a time just before its previous frame; the
    /// frame is then sent right after it, which keeps every behaviour's frames in order by construction.
    /// </summary>
    private long Done(long time, int length)
    {
        Time = Math.Max(time, Time);
        Length = length;
        return Time;
    }

    private static void Ethernet(Span<byte> f, byte[] src, byte[] dst, ushort etherType)
    {
        dst.CopyTo(f);
        src.CopyTo(f[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], etherType);
    }

    private void Ipv4(Span<byte> f, uint src, uint dst, byte ttl, byte protocol, int payloadLength, bool dontFragment)
    {
        var h = f[EthernetHeader..];
        h[0] = 0x45;
        h[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(h[2..], (ushort)(Ipv4Header + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(h[4..], _ipId++);
        BinaryPrimitives.WriteUInt16BigEndian(h[6..], dontFragment ? (ushort)0x4000 : (ushort)0);
        h[8] = ttl;
        h[9] = protocol;
        h[10] = 0;
        h[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], src);
        BinaryPrimitives.WriteUInt32BigEndian(h[16..], dst);
        BinaryPrimitives.WriteUInt16BigEndian(h[10..], InternetChecksum.Finish(InternetChecksum.Add(0, h[..Ipv4Header])));
    }

    private static ulong PseudoHeader(uint src, uint dst, byte protocol, int length) =>
        (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + protocol + (ulong)length;
}
