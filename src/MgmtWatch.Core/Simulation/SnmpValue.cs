using System.Formats.Asn1;

namespace MgmtWatch.Core.Simulation;

/// <summary>A varbind value (RFC 3416 §3 ObjectSyntax), written with BER.</summary>
internal readonly record struct SnmpValue(SnmpValueKind Kind, long Number, byte[]? Bytes, string? Oid)
{
    public static SnmpValue Null => new(SnmpValueKind.Null, 0, null, null);

    public static SnmpValue Integer(long v) => new(SnmpValueKind.Integer, v, null, null);

    public static SnmpValue Counter32(long v) => new(SnmpValueKind.Counter32, v & 0xFFFF_FFFF, null, null);

    public static SnmpValue Gauge32(long v) => new(SnmpValueKind.Gauge32, v, null, null);

    public static SnmpValue TimeTicks(long v) => new(SnmpValueKind.TimeTicks, v & 0xFFFF_FFFF, null, null);

    public static SnmpValue Text(string s) => new(SnmpValueKind.OctetString, 0, System.Text.Encoding.ASCII.GetBytes(s), null);

    public static SnmpValue Octets(byte[] b) => new(SnmpValueKind.OctetString, 0, b, null);

    public static SnmpValue IpAddress(uint ip) => new(SnmpValueKind.IpAddress, 0, [(byte)(ip >> 24), (byte)(ip >> 16), (byte)(ip >> 8), (byte)ip], null);

    public static SnmpValue ObjectId(string oid) => new(SnmpValueKind.ObjectId, 0, null, oid);

    /// <summary>RFC 2578 §7.1 application tags: IpAddress 0, Counter32 1, Gauge32 2, TimeTicks 3.</summary>
    public void WriteTo(AsnWriter w)
    {
        switch (Kind)
        {
            case SnmpValueKind.Integer:
                w.WriteInteger(Number);
                break;
            case SnmpValueKind.Counter32:
                w.WriteInteger(Number, new Asn1Tag(TagClass.Application, 1));
                break;
            case SnmpValueKind.Gauge32:
                w.WriteInteger(Number, new Asn1Tag(TagClass.Application, 2));
                break;
            case SnmpValueKind.TimeTicks:
                w.WriteInteger(Number, new Asn1Tag(TagClass.Application, 3));
                break;
            case SnmpValueKind.OctetString:
                w.WriteOctetString(Bytes);
                break;
            case SnmpValueKind.IpAddress:
                w.WriteOctetString(Bytes, new Asn1Tag(TagClass.Application, 0));
                break;
            case SnmpValueKind.ObjectId:
                w.WriteObjectIdentifier(Oid!);
                break;
            default:
                w.WriteNull();
                break;
        }
    }
}
