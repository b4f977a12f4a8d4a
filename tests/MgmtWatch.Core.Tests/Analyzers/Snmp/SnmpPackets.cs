using System.Text;

namespace MgmtWatch.Core.Tests.Analyzers.Snmp;

/// <summary>Builds SNMP messages in BER by hand (RFC 1157, RFC 3416), for crafted captures.</summary>
public static class SnmpPackets
{
    public const byte Get = 0xA0;
    public const byte GetNext = 0xA1;
    public const byte Response = 0xA2;
    public const byte Set = 0xA3;
    public const byte GetBulk = 0xA5;

    public static readonly uint[] SysName = [1, 3, 6, 1, 2, 1, 1, 5, 0];

    public static byte[] Tlv(byte tag, params byte[][] parts)
    {
        var content = parts.SelectMany(p => p).ToArray();
        var header = new List<byte> { tag };
        if (content.Length < 0x80)
        {
            header.Add((byte)content.Length);
        }
        else if (content.Length < 0x100)
        {
            header.AddRange([0x81, (byte)content.Length]);
        }
        else
        {
            header.AddRange([0x82, (byte)(content.Length >> 8), (byte)content.Length]);
        }

        return [.. header, .. content];
    }

    public static byte[] Num(long value, byte tag = 0x02)
    {
        var bytes = new List<byte>();
        do
        {
            bytes.Insert(0, (byte)value);
            value >>= 8;
        }
        while (!(value == 0 && (bytes[0] & 0x80) == 0) && !(value == -1 && (bytes[0] & 0x80) != 0));

        return Tlv(tag, [.. bytes]);
    }

    public static byte[] Octets(string text) => Tlv(0x04, Encoding.ASCII.GetBytes(text));

    public static byte[] Oid(params uint[] arcs)
    {
        var content = new List<byte> { (byte)((arcs[0] * 40) + arcs[1]) };
        foreach (var arc in arcs.Skip(2))
        {
            var groups = new List<byte>();
            var v = arc;
            do
            {
                groups.Insert(0, (byte)((v & 0x7Fu) | (groups.Count == 0 ? 0u : 0x80u)));
                v >>= 7;
            }
            while (v != 0);

            content.AddRange(groups);
        }

        return Tlv(0x06, [.. content]);
    }

    public static byte[] VarBinds(bool withValues, params uint[][] names) =>
        Tlv(0x30, [.. names.Select(n => Tlv(0x30, Oid(n), withValues ? Octets("bmc-07") : [0x05, 0x00]))]);

    /// <summary>A v1 (version 0) or v2c (version 1) message.</summary>
    public static byte[] Community(int version, string community, byte pdu, int requestId, int errorStatus = 0, params uint[][] names) =>
        Tlv(0x30, Num(version), Octets(community),
            Tlv(pdu, Num(requestId), Num(errorStatus), Num(0), VarBinds(pdu == Response, names.Length == 0 ? [SysName] : names)));

    /// <summary>A plaintext SNMPv3 message with USM parameters.</summary>
    public static byte[] V3(string user, byte pdu, int requestId, byte flags = 0x04, string engineId = "\x80\x00\x1f\x88\x80\x01\x02\x03\x04") =>
        Tlv(0x30, Num(3),
            Tlv(0x30, Num(requestId), Num(65507), Tlv(0x04, [flags]), Num(3)),
            Tlv(0x04, Tlv(0x30, Tlv(0x04, Encoding.Latin1.GetBytes(engineId)), Num(7), Num(1234), Octets(user), Octets(""), Octets(""))),
            Tlv(0x30, Tlv(0x04, Encoding.Latin1.GetBytes(engineId)), Octets(""),
                Tlv(pdu, Num(requestId), Num(0), Num(0), VarBinds(pdu == Response, SysName))));
}
