using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>DHCP messages (RFC 2131 §2 format, RFC 2132 options), padded to the 300-byte BOOTP minimum.</summary>
internal static class DhcpMessages
{
    public const byte Discover = 1;
    public const byte Offer = 2;
    public const byte Request = 3;
    public const byte Ack = 5;

    public static int Build(Span<byte> b, byte type, uint xid, byte[] clientMac, uint clientIp, uint yourIp, uint serverId, uint relay, uint requested, string hostname, Site site, bool broadcast)
    {
        var reply = type is Offer or Ack;
        b[..300].Clear();
        b[0] = reply ? (byte)2 : (byte)1;
        b[1] = 1;
        b[2] = 6;
        b[3] = relay != 0 && reply ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], xid);
        BinaryPrimitives.WriteUInt16BigEndian(b[10..], broadcast ? (ushort)0x8000 : (ushort)0);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], clientIp);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], yourIp);
        BinaryPrimitives.WriteUInt32BigEndian(b[24..], relay);
        clientMac.CopyTo(b[28..]);
        BinaryPrimitives.WriteUInt32BigEndian(b[236..], 0x63825363); // magic cookie
        var n = 240;
        b[n++] = 53;
        b[n++] = 1;
        b[n++] = type;
        if (!reply)
        {
            b[n++] = 61; // client identifier: hardware type 1 + MAC
            b[n++] = 7;
            b[n++] = 1;
            clientMac.CopyTo(b[n..]);
            n += 6;
            if (requested != 0)
            {
                n = Address(b, n, 50, requested);
            }

            if (type == Request && serverId != 0 && clientIp == 0)
            {
                n = Address(b, n, 54, serverId);
            }

            b[n++] = 12;
            b[n++] = (byte)hostname.Length;
            n += System.Text.Encoding.ASCII.GetBytes(hostname, b[n..]);
            b[n++] = 55; // parameter request list: mask, router, DNS, domain, NTP
            b[n++] = 5;
            b[n++] = 1;
            b[n++] = 3;
            b[n++] = 6;
            b[n++] = 15;
            b[n++] = 42;
        }
        else
        {
            n = Address(b, n, 54, serverId);
            n = Seconds(b, n, 51, (uint)(site.DhcpLease / SimTime.Second));
            n = Seconds(b, n, 58, (uint)(site.DhcpLease / 2 / SimTime.Second));
            n = Seconds(b, n, 59, (uint)(site.DhcpLease * 7 / 8 / SimTime.Second));
            n = Address(b, n, 1, site.SubnetMask);
            n = Address(b, n, 3, site.Gateway.Ip);
            n = Address(b, n, 6, site.Dns.Ip);
            n = Address(b, n, 42, site.NtpServers[0].Ip);
            b[n++] = 15;
            b[n++] = (byte)site.Domain.Length;
            n += System.Text.Encoding.ASCII.GetBytes(site.Domain, b[n..]);
        }

        b[n++] = 255;
        return Math.Max(n, 300);
    }

    private static int Address(Span<byte> b, int n, byte option, uint ip)
    {
        b[n] = option;
        b[n + 1] = 4;
        BinaryPrimitives.WriteUInt32BigEndian(b[(n + 2)..], ip);
        return n + 6;
    }

    private static int Seconds(Span<byte> b, int n, byte option, uint seconds) => Address(b, n, option, seconds);
}
