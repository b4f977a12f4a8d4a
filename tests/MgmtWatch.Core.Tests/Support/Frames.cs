using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Builds real Ethernet frames with PacketDotNet (valid lengths and checksums).</summary>
public static class Frames
{
    public static readonly PhysicalAddress MacA = PhysicalAddress.Parse("00-25-90-00-00-01"); // Supermicro OUI
    public static readonly PhysicalAddress MacB = PhysicalAddress.Parse("AC-1F-6B-00-00-02");

    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;

    public static byte[] Tcp(string src, ushort sport, string dst, ushort dport, byte flags, uint seq = 1000, uint ack = 0, byte[]? payload = null, ushort window = 64240)
    {
        var tcp = new TcpPacket(sport, dport)
        {
            SequenceNumber = seq,
            AcknowledgmentNumber = ack,
            WindowSize = window,
            Flags = flags,
            PayloadData = payload ?? [],
        };
        return Wrap(src, dst, tcp);
    }

    public static byte[] Udp(string src, ushort sport, string dst, ushort dport, byte[]? payload = null)
    {
        var udp = new UdpPacket(sport, dport) { PayloadData = payload ?? [] };
        return Wrap(src, dst, udp);
    }

    public static byte[] IcmpEcho(string src, string dst, bool reply, ushort id = 1, ushort sequence = 1)
    {
        var bytes = new byte[8 + 16];
        bytes[0] = (byte)(reply ? 0 : 8);
        bytes[4] = (byte)(id >> 8);
        bytes[5] = (byte)id;
        bytes[6] = (byte)(sequence >> 8);
        bytes[7] = (byte)sequence;
        var icmp = new IcmpV4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        icmp.UpdateIcmpChecksum();
        var ip = new IPv4Packet(IPAddress.Parse(src), IPAddress.Parse(dst)) { PayloadPacket = icmp, TimeToLive = 64 };
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return new EthernetPacket(MacA, MacB, EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
    }

    public static byte[] Arp(string senderIp, PhysicalAddress senderMac, string targetIp, bool reply = false)
    {
        var arp = new ArpPacket(reply ? ArpOperation.Response : ArpOperation.Request,
            reply ? MacB : PhysicalAddress.Parse("00-00-00-00-00-00"), IPAddress.Parse(targetIp), senderMac, IPAddress.Parse(senderIp));
        return new EthernetPacket(senderMac, PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"), EthernetType.Arp) { PayloadPacket = arp }.Bytes;
    }

    /// <summary>The IP packet of a frame built above (for raw-IP link types and tunnels).</summary>
    public static byte[] IpOf(byte[] ethernetFrame) => ethernetFrame[14..];

    private static byte[] Wrap(string src, string dst, TransportPacket transport)
    {
        var srcIp = IPAddress.Parse(src);
        var dstIp = IPAddress.Parse(dst);
        IPPacket ip = srcIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? new IPv6Packet(srcIp, dstIp) { HopLimit = 64 }
            : new IPv4Packet(srcIp, dstIp) { TimeToLive = 64 };
        ip.PayloadPacket = transport;
        ip.UpdateCalculatedValues();
        switch (transport)
        {
            case TcpPacket t:
                t.UpdateTcpChecksum();
                break;
            case UdpPacket u:
                u.UpdateUdpChecksum();
                break;
        }

        if (ip is IPv4Packet v4)
        {
            v4.UpdateIPChecksum();
        }

        var type = ip is IPv6Packet ? EthernetType.IPv6 : EthernetType.IPv4;
        return new EthernetPacket(MacA, MacB, type) { PayloadPacket = ip }.Bytes;
    }
}
