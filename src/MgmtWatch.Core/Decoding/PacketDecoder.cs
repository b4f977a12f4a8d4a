using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Decoding;

/// <summary>
/// Decodes link, network and transport headers from captured bytes into a <see cref="DecodedPacket"/>.
/// Every read is bounds-checked against the captured length; nothing throws and nothing allocates per
/// packet. A packet cut by the capture's snap length is decoded as far as its bytes go; a packet whose
/// headers contradict its length is decoded as far as is safe and carries a <see cref="DecodeEvent"/>.
/// </summary>
internal sealed class PacketDecoder
{
    /// <summary>
    /// Stacked VLAN tags and MPLS labels followed. QinQ uses two, carrier networks a few more; a deeper
    /// stack is crafted, and the bound keeps a hostile frame from costing a loop per byte.
    /// </summary>
    private const int MaxLayers = 8;

    /// <summary>IPv6 extension headers followed (RFC 8200 §4.1 recommends a handful; 16 is generous).</summary>
    private const int MaxExtensionHeaders = 16;

    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeVlan = 0x8100;
    private const ushort EtherTypeQinQ = 0x88A8;
    private const ushort EtherTypeQinQOld = 0x9100;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const ushort EtherTypePppoeSession = 0x8864;
    private const ushort EtherTypeMplsUnicast = 0x8847;
    private const ushort EtherTypeMplsMulticast = 0x8848;

    /// <summary>
    /// Tunnels followed inside one another (ERSPAN carrying VXLAN carrying 6in4 is already deep); the
    /// bound stops a crafted packet of nested headers from recursing.
    /// </summary>
    private const int MaxTunnelDepth = 3;

    /// <summary>IANA VXLAN port (RFC 7348 §5).</summary>
    private const ushort VxlanPort = 4789;

    private readonly FragmentReassembler _fragments;
    private int _tunnelDepth;
    private long _now;

    /// <summary>Creates a decoder with its own fragment cache.</summary>
    public PacketDecoder(FragmentReassembler? fragments = null)
    {
        _fragments = fragments ?? new FragmentReassembler();
    }

    /// <summary>What the decoder has seen.</summary>
    public DecoderCounters Counters { get; } = new();

    /// <summary>The fragment cache (for its counters).</summary>
    public FragmentReassembler Fragments => _fragments;

    /// <summary>Decodes one frame.</summary>
    public void Decode(in PacketInfo info, ReadOnlySpan<byte> frame, ref DecodedPacket packet)
    {
        packet.Clear();
        Counters.Packets++;
        _now = info.Timestamp;
        var snapped = info.CaptureLength < info.WireLength;
        switch (info.LinkType)
        {
            case LinkType.Ethernet:
                DecodeEthernet(frame, snapped, ref packet);
                break;
            case LinkType.Raw:
            case (LinkType)12: // DLT_RAW as written by some BSD tools
            case (LinkType)14:
                DecodeRawIp(frame, snapped, ref packet);
                break;
            case LinkType.Ipv4:
                DecodeIpv4(frame, snapped, ref packet);
                break;
            case LinkType.Ipv6:
                DecodeIpv6(frame, snapped, ref packet);
                break;
            case LinkType.LinuxSll:
                DecodeSll(frame, snapped, ref packet);
                break;
            case LinkType.LinuxSll2:
                DecodeSll2(frame, snapped, ref packet);
                break;
            case LinkType.Null:
            case LinkType.Loop:
                DecodeLoopback(frame, info.LinkType == LinkType.Loop, snapped, ref packet);
                break;
            default:
                packet.Kind = PacketKind.UnsupportedLinkType;
                Counters.CountUnsupported(info.LinkType);
                return;
        }

        if (packet.Event != DecodeEvent.None)
        {
            Counters.Events[(int)packet.Event]++;
        }

        if (packet.Kind == PacketKind.Malformed)
        {
            Counters.Malformed++;
        }
    }

    private void DecodeEthernet(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        if (s.Length < 14)
        {
            Malformed(ref p, DecodeEvent.EthernetPacketTooSmall);
            return;
        }

        p.DestinationMac = ReadMac(s);
        p.SourceMac = ReadMac(s[6..]);
        var type = BinaryPrimitives.ReadUInt16BigEndian(s[12..]);
        var offset = 14;
        var layers = 0;
        while (type is EtherTypeVlan or EtherTypeQinQ or EtherTypeQinQOld)
        {
            if (++layers > MaxLayers)
            {
                Malformed(ref p, DecodeEvent.TooManyLayers);
                return;
            }

            if (s.Length < offset + 4)
            {
                Malformed(ref p, DecodeEvent.VlanHeaderTooSmall);
                return;
            }

            if (p.Vlan == 0)
            {
                p.Vlan = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(s[offset..]) & 0x0FFF);
            }

            type = BinaryPrimitives.ReadUInt16BigEndian(s[(offset + 2)..]);
            offset += 4;
        }

        DecodeEtherType(type, s[offset..], snapped, ref p);
    }

    private void DecodeEtherType(ushort type, ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        p.EtherType = type;
        switch (type)
        {
            case EtherTypeIpv4:
                DecodeIpv4(s, snapped, ref p);
                return;
            case EtherTypeIpv6:
                DecodeIpv6(s, snapped, ref p);
                return;
            case EtherTypeArp:
                DecodeArp(s, ref p);
                return;
            case EtherTypePppoeSession:
                DecodePppoe(s, snapped, ref p);
                return;
            case EtherTypeMplsUnicast:
            case EtherTypeMplsMulticast:
                DecodeMpls(s, snapped, ref p);
                return;
            default:
                p.Kind = PacketKind.OtherEtherType;
                Counters.OtherEtherType++;
                return;
        }
    }

    private void DecodePppoe(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        // RFC 2516 §4: version/type, code, session id, length (6 bytes), then the PPP protocol field.
        if (s.Length < 8)
        {
            Malformed(ref p, DecodeEvent.PppoePacketTooSmall);
            return;
        }

        switch (BinaryPrimitives.ReadUInt16BigEndian(s[6..]))
        {
            case 0x0021:
                DecodeIpv4(s[8..], snapped, ref p);
                return;
            case 0x0057:
                DecodeIpv6(s[8..], snapped, ref p);
                return;
            default:
                p.Kind = PacketKind.OtherEtherType;
                Counters.OtherEtherType++;
                return;
        }
    }

    private void DecodeMpls(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        // RFC 3032 §2.1: 4-byte label stack entries until the bottom-of-stack bit; the payload's
        // version nibble says IPv4 or IPv6 (there is no next-protocol field).
        var offset = 0;
        for (var layer = 0; ; layer++)
        {
            if (layer >= MaxLayers)
            {
                Malformed(ref p, DecodeEvent.TooManyLayers);
                return;
            }

            if (s.Length < offset + 4)
            {
                Malformed(ref p, DecodeEvent.MplsPacketTooSmall);
                return;
            }

            var bottom = (s[offset + 2] & 0x01) != 0;
            offset += 4;
            if (bottom)
            {
                break;
            }
        }

        if (s.Length <= offset)
        {
            Malformed(ref p, DecodeEvent.MplsPacketTooSmall);
            return;
        }

        switch (s[offset] >> 4)
        {
            case 4:
                DecodeIpv4(s[offset..], snapped, ref p);
                return;
            case 6:
                DecodeIpv6(s[offset..], snapped, ref p);
                return;
            default:
                p.Kind = PacketKind.OtherEtherType;
                Counters.OtherEtherType++;
                return;
        }
    }

    private void DecodeSll(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        // LINKTYPE_LINUX_SLL: packet type, ARPHRD type, address length, 8 address bytes, protocol.
        if (s.Length < 16)
        {
            Malformed(ref p, DecodeEvent.SllPacketTooSmall);
            return;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(s[4..]) == 6)
        {
            p.SourceMac = ReadMac(s[6..]);
        }

        DecodeSllProtocol(BinaryPrimitives.ReadUInt16BigEndian(s[14..]), s[16..], snapped, ref p);
    }

    private void DecodeSll2(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        // LINKTYPE_LINUX_SLL2: protocol, reserved, interface index, ARPHRD type, packet type, address length, 8 address bytes.
        if (s.Length < 20)
        {
            Malformed(ref p, DecodeEvent.SllPacketTooSmall);
            return;
        }

        if (s[11] == 6)
        {
            p.SourceMac = ReadMac(s[12..]);
        }

        DecodeSllProtocol(BinaryPrimitives.ReadUInt16BigEndian(s), s[20..], snapped, ref p);
    }

    private void DecodeSllProtocol(ushort protocol, ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        if (protocol is EtherTypeVlan or EtherTypeQinQ)
        {
            // A tag left in place by the capture: skip it like an Ethernet one.
            if (s.Length < 4)
            {
                Malformed(ref p, DecodeEvent.VlanHeaderTooSmall);
                return;
            }

            p.Vlan = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(s) & 0x0FFF);
            DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(s[2..]), s[4..], snapped, ref p);
            return;
        }

        DecodeEtherType(protocol, s, snapped, ref p);
    }

    private void DecodeLoopback(ReadOnlySpan<byte> s, bool networkOrder, bool snapped, ref DecodedPacket p)
    {
        if (s.Length < 4)
        {
            Malformed(ref p, DecodeEvent.NullPacketTooSmall);
            return;
        }

        // DLT_NULL stores the family in the writer's byte order; a value over 16 bits means the other order.
        var family = networkOrder ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
        if (family > 0xFFFF)
        {
            family = BinaryPrimitives.ReverseEndianness(family);
        }

        switch (family)
        {
            case 2:
                DecodeIpv4(s[4..], snapped, ref p);
                return;
            case 10 or 24 or 28 or 30: // AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, macOS
                DecodeIpv6(s[4..], snapped, ref p);
                return;
            default:
                p.Kind = PacketKind.OtherEtherType;
                Counters.OtherEtherType++;
                return;
        }
    }

    private void DecodeRawIp(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        if (s.Length < 1)
        {
            Malformed(ref p, DecodeEvent.RawInvalidIpVersion);
            return;
        }

        switch (s[0] >> 4)
        {
            case 4:
                DecodeIpv4(s, snapped, ref p);
                return;
            case 6:
                DecodeIpv6(s, snapped, ref p);
                return;
            default:
                Malformed(ref p, DecodeEvent.RawInvalidIpVersion);
                return;
        }
    }

    private void DecodeArp(ReadOnlySpan<byte> s, ref DecodedPacket p)
    {
        // RFC 826 for Ethernet/IPv4: htype, ptype, hlen 6, plen 4, op, sha, spa, tha, tpa (28 bytes).
        if (s.Length < 8)
        {
            Malformed(ref p, DecodeEvent.ArpPacketTooSmall);
            return;
        }

        Counters.Arp++;
        p.Kind = PacketKind.Arp;
        p.ArpOperation = BinaryPrimitives.ReadUInt16BigEndian(s[6..]);
        if (s[4] != 6 || s[5] != 4 || BinaryPrimitives.ReadUInt16BigEndian(s[2..]) != EtherTypeIpv4)
        {
            return;
        }

        if (s.Length < 28)
        {
            p.Event = DecodeEvent.ArpPacketTooSmall;
            return;
        }

        p.ArpSenderMac = ReadMac(s[8..]);
        p.Source = HostAddress.FromV4(s[14..]);
        p.Destination = HostAddress.FromV4(s[24..]);
    }

    private void DecodeIpv4(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        if (s.Length < 20)
        {
            Malformed(ref p, DecodeEvent.Ipv4PacketTooSmall);
            return;
        }

        if (s[0] >> 4 != 4)
        {
            Malformed(ref p, DecodeEvent.Ipv4WrongVersion);
            return;
        }

        var headerLength = (s[0] & 0x0F) * 4;
        if (headerLength < 20)
        {
            Malformed(ref p, DecodeEvent.Ipv4HeaderLengthTooSmall);
            return;
        }

        if (s.Length < headerLength)
        {
            Malformed(ref p, DecodeEvent.Ipv4PacketTooSmall);
            return;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
        if (totalLength == 0)
        {
            // Captured before segmentation offload filled it in (Wireshark: "assuming TSO").
            totalLength = s.Length;
        }
        else if (totalLength < headerLength)
        {
            Malformed(ref p, DecodeEvent.Ipv4LengthSmallerThanHeader);
            return;
        }

        if (totalLength <= s.Length)
        {
            s = s[..totalLength]; // drop Ethernet padding and trailers
        }
        else if (!snapped)
        {
            p.Event = DecodeEvent.Ipv4TruncatedPacket;
        }

        p.Kind = PacketKind.Ip;
        p.IpVersion = 4;
        p.IpLength = totalLength;
        p.Ttl = s[8];
        p.Protocol = s[9];
        p.Source = HostAddress.FromV4(s[12..]);
        p.Destination = HostAddress.FromV4(s[16..]);
        Counters.Ipv4++;

        var fragment = BinaryPrimitives.ReadUInt16BigEndian(s[6..]);
        var payload = s[headerLength..];
        var payloadLength = totalLength - headerLength;
        if ((fragment & 0x3FFF) != 0)
        {
            var offset = (fragment & 0x1FFF) * 8;
            var more = (fragment & 0x2000) != 0;
            if (payload.Length < payloadLength)
            {
                // Part of the fragment was not captured; its datagram can never be completed.
                p.Kind = PacketKind.FragmentHeld;
                return;
            }

            var key = new FragmentKey(p.Source, p.Destination, BinaryPrimitives.ReadUInt16BigEndian(s[4..]), p.Protocol);
            if (!_fragments.Add(key, offset, more, payload, _now, out var datagram, out var anomaly))
            {
                p.Kind = PacketKind.FragmentHeld;
                p.Event = anomaly;
                return;
            }

            p.Event = anomaly;
            p.Reassembled = true;
            payload = datagram;
            payloadLength = datagram.Length;
            p.IpLength = headerLength + datagram.Length;
        }

        DecodeTransport(payload, payloadLength, snapped, ref p);
    }

    private void DecodeIpv6(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        if (s.Length < 40)
        {
            Malformed(ref p, DecodeEvent.Ipv6PacketTooSmall);
            return;
        }

        if (s[0] >> 4 != 6)
        {
            Malformed(ref p, DecodeEvent.Ipv6WrongVersion);
            return;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(s[4..]);
        var next = s[6];
        p.Kind = PacketKind.Ip;
        p.IpVersion = 6;
        p.Ttl = s[7];
        p.Source = HostAddress.FromV6(s[8..]);
        p.Destination = HostAddress.FromV6(s[24..]);
        Counters.Ipv6++;

        var payload = s[40..];
        if (payloadLength == 0 && next != 59)
        {
            // Jumbogram (RFC 2675) or offload: take what was captured.
            payloadLength = payload.Length;
        }

        if (payloadLength <= payload.Length)
        {
            payload = payload[..payloadLength];
        }
        else if (!snapped)
        {
            p.Event = DecodeEvent.Ipv6TruncatedPacket;
        }

        p.IpLength = 40 + payloadLength;
        for (var i = 0; ; i++)
        {
            if (i >= MaxExtensionHeaders)
            {
                p.Event = DecodeEvent.Ipv6TooManyExtensionHeaders;
                p.Protocol = next;
                return;
            }

            int length;
            switch (next)
            {
                case 0:   // hop-by-hop options
                case 43:  // routing
                case 60:  // destination options
                case 135: // mobility
                case 139: // HIP
                case 140: // shim6
                    if (payload.Length < 2)
                    {
                        TruncatedExtension(snapped, next, ref p);
                        return;
                    }

                    length = (payload[1] + 1) * 8;
                    break;

                case 51: // authentication header (RFC 4302 §2.2: length in 4-byte units, minus 2)
                    if (payload.Length < 2)
                    {
                        TruncatedExtension(snapped, next, ref p);
                        return;
                    }

                    length = (payload[1] + 2) * 4;
                    break;

                case 44: // fragment (RFC 8200 §4.5)
                    if (payload.Length < 8)
                    {
                        TruncatedExtension(snapped, next, ref p);
                        return;
                    }

                    var fragmentNext = payload[0];
                    var offsetField = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
                    var offset = offsetField & 0xFFF8;
                    var more = (offsetField & 1) != 0;
                    var id = BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
                    payload = payload[8..];
                    payloadLength -= 8;
                    next = fragmentNext;
                    if (offset == 0 && !more)
                    {
                        continue; // atomic fragment (RFC 6946)
                    }

                    if (payload.Length < payloadLength)
                    {
                        p.Protocol = next;
                        p.Kind = PacketKind.FragmentHeld;
                        return;
                    }

                    var key = new FragmentKey(p.Source, p.Destination, id, fragmentNext);
                    if (!_fragments.Add(key, offset, more, payload, _now, out var datagram, out var anomaly))
                    {
                        p.Protocol = next;
                        p.Kind = PacketKind.FragmentHeld;
                        p.Event = anomaly;
                        return;
                    }

                    p.Event = anomaly;
                    p.Reassembled = true;
                    p.IpLength += datagram.Length - payloadLength;
                    payload = datagram;
                    payloadLength = datagram.Length;
                    continue;

                default:
                    p.Protocol = next;
                    DecodeTransport(payload, payloadLength, snapped, ref p);
                    return;
            }

            if (payload.Length < length)
            {
                TruncatedExtension(snapped, next, ref p);
                return;
            }

            next = payload[0];
            payload = payload[length..];
            payloadLength -= length;
        }
    }

    private void TruncatedExtension(bool snapped, byte next, ref DecodedPacket p)
    {
        p.Protocol = next;
        if (snapped)
        {
            // Cut by the snap length: an IP packet without transport details, not an anomaly.
            Counters.OtherIp++;
            return;
        }

        Malformed(ref p, DecodeEvent.Ipv6ExtensionHeaderTruncated);
    }

    private void DecodeTransport(ReadOnlySpan<byte> s, int wireLength, bool snapped, ref DecodedPacket p)
    {
        if (wireLength < 0)
        {
            wireLength = 0;
        }

        switch (p.Protocol)
        {
            case IpProtocol.Tcp:
                if (s.Length < 20)
                {
                    Malformed(ref p, DecodeEvent.TcpPacketTooSmall);
                    return;
                }

                var headerLength = (s[12] >> 4) * 4;
                if (headerLength < 20 || (headerLength > s.Length && !snapped) || headerLength > wireLength)
                {
                    Malformed(ref p, DecodeEvent.TcpHeaderLengthInvalid);
                    return;
                }

                Counters.Tcp++;
                p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(s);
                p.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
                p.Sequence = BinaryPrimitives.ReadUInt32BigEndian(s[4..]);
                p.Acknowledgment = BinaryPrimitives.ReadUInt32BigEndian(s[8..]);
                p.TcpFlags = s[13];
                p.Window = BinaryPrimitives.ReadUInt16BigEndian(s[14..]);
                p.PayloadLength = wireLength - headerLength;
                p.Payload = headerLength <= s.Length ? s[headerLength..] : default;
                return;

            case IpProtocol.Udp:
                if (s.Length < 8)
                {
                    Malformed(ref p, DecodeEvent.UdpPacketTooSmall);
                    return;
                }

                Counters.Udp++;
                p.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(s);
                p.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
                int udpLength = BinaryPrimitives.ReadUInt16BigEndian(s[4..]);
                if (udpLength < 8 || udpLength > wireLength)
                {
                    // Suricata UDP_HLEN_INVALID; trust the IP length, which bounded everything so far.
                    p.Event = DecodeEvent.UdpLengthInvalid;
                    udpLength = wireLength;
                }

                p.PayloadLength = udpLength - 8;
                p.Payload = s[8..Math.Min(udpLength, s.Length)];
                if (p.DestinationPort == VxlanPort)
                {
                    TryDecapsulate(TunnelKind.Vxlan, p.Payload, snapped, ref p);
                }

                return;

            case IpProtocol.Icmp:
            case IpProtocol.Icmpv6:
                if (s.Length < 4)
                {
                    Malformed(ref p, p.Protocol == IpProtocol.Icmp ? DecodeEvent.IcmpPacketTooSmall : DecodeEvent.Icmpv6PacketTooSmall);
                    return;
                }

                Counters.Icmp++;
                p.SourcePort = s[0];
                p.DestinationPort = s[1];

                // The 8-byte ICMP header (type, code, checksum, 4 bytes of rest-of-header) is not payload.
                p.PayloadLength = Math.Max(0, wireLength - 8);
                p.Payload = s.Length > 8 ? s[8..] : default;
                return;

            case 4:  // IPv4 in IP (RFC 2003)
            case 41: // IPv6 in IP (RFC 4213, "6in4")
            case 47: // GRE (RFC 2784/2890), including ERSPAN from a remote SPAN session
                p.PayloadLength = wireLength;
                p.Payload = s;
                if (!TryDecapsulate(p.Protocol == 47 ? TunnelKind.Gre : p.Protocol == 4 ? TunnelKind.Ipv4 : TunnelKind.Ipv6, s, snapped, ref p))
                {
                    Counters.OtherIp++;
                }

                return;

            default:
                Counters.OtherIp++;
                p.PayloadLength = wireLength;
                p.Payload = s;
                return;
        }
    }

    /// <summary>
    /// Decodes the packet inside a tunnel. The inner packet replaces the outer one when it decodes to IP
    /// or ARP (the conversation that matters is inside, as Zeek and tshark report it); otherwise the outer
    /// packet stays as it was.
    /// </summary>
    private bool TryDecapsulate(TunnelKind kind, ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket p)
    {
        if (_tunnelDepth >= MaxTunnelDepth)
        {
            return false;
        }

        var inner = default(DecodedPacket);
        _tunnelDepth++;
        try
        {
            switch (kind)
            {
                case TunnelKind.Ipv4:
                    DecodeIpv4(s, snapped, ref inner);
                    break;
                case TunnelKind.Ipv6:
                    DecodeIpv6(s, snapped, ref inner);
                    break;
                case TunnelKind.Vxlan:
                    // RFC 7348 §5: flags (I bit 0x08 set), 3 reserved, 24-bit VNI, 1 reserved; then Ethernet.
                    if (s.Length < 8 + 14 || (s[0] & 0x08) == 0)
                    {
                        return false;
                    }

                    DecodeEthernet(s[8..], snapped, ref inner);
                    break;
                case TunnelKind.Gre:
                    if (!DecodeGre(s, snapped, ref inner))
                    {
                        return false;
                    }

                    break;
            }
        }
        finally
        {
            _tunnelDepth--;
        }

        if (inner.Kind is not (PacketKind.Ip or PacketKind.Arp or PacketKind.FragmentHeld))
        {
            return false;
        }

        Counters.Tunneled++;
        var vlan = p.Vlan;
        p = inner;
        p.Vlan = vlan;
        return true;
    }

    private bool DecodeGre(ReadOnlySpan<byte> s, bool snapped, ref DecodedPacket inner)
    {
        // RFC 2784/2890: flags and version (2), protocol (2), then optional checksum+reserved (C),
        // key (K) and sequence number (S), 4 bytes each.
        if (s.Length < 4)
        {
            return false;
        }

        var flags = s[0];
        if ((s[1] & 0x07) != 0)
        {
            return false; // version 1 is PPTP's enhanced GRE, not followed
        }

        var protocol = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
        var offset = 4 + ((flags & 0x80) != 0 ? 4 : 0) + ((flags & 0x20) != 0 ? 4 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        if (s.Length < offset)
        {
            return false;
        }

        var payload = s[offset..];
        switch (protocol)
        {
            case 0x6558: // transparent Ethernet bridging
                DecodeEthernet(payload, snapped, ref inner);
                return true;
            case 0x88BE: // ERSPAN type II: 8-byte header, then the mirrored Ethernet frame
                if (payload.Length < 8)
                {
                    return false;
                }

                DecodeEthernet(payload[8..], snapped, ref inner);
                return true;
            case 0x22EB: // ERSPAN type III: 12-byte header, 8 more when the O bit is set
                if (payload.Length < 12)
                {
                    return false;
                }

                var length = 12 + ((payload[11] & 0x01) != 0 ? 8 : 0);
                if (payload.Length < length)
                {
                    return false;
                }

                DecodeEthernet(payload[length..], snapped, ref inner);
                return true;
            case EtherTypeIpv4:
            case EtherTypeIpv6:
                DecodeEtherType(protocol, payload, snapped, ref inner);
                return true;
            default:
                return false;
        }
    }

    private enum TunnelKind
    {
        Ipv4,
        Ipv6,
        Gre,
        Vxlan,
    }

    private static void Malformed(ref DecodedPacket p, DecodeEvent e)
    {
        p.Kind = PacketKind.Malformed;
        p.Event = e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadMac(ReadOnlySpan<byte> s) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(s) << 32) | BinaryPrimitives.ReadUInt32BigEndian(s[2..]);
}
