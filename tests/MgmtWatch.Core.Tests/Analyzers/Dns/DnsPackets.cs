using System.Text;

namespace MgmtWatch.Core.Tests.Analyzers.Dns;

/// <summary>Builds DNS messages by hand (RFC 1035 §4.1), for crafted captures.</summary>
public static class DnsPackets
{
    public const ushort A = 1;
    public const ushort Cname = 5;
    public const ushort Null = 10;
    public const ushort Txt = 16;

    public static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    public static byte[] Header(ushort id, ushort flags, ushort qd, ushort an, ushort ns = 0, ushort ar = 0) =>
        [(byte)(id >> 8), (byte)id, (byte)(flags >> 8), (byte)flags, 0, (byte)qd, (byte)(an >> 8), (byte)an, 0, (byte)ns, 0, (byte)ar];

    public static byte[] Query(ushort id, string name, ushort type = A) =>
        [.. Header(id, 0x0100, 1, 0), .. Name(name), (byte)(type >> 8), (byte)type, 0, 1];

    /// <summary>A response with <paramref name="answers"/> A records whose owner is a pointer to the question (offset 12).</summary>
    public static byte[] Response(ushort id, string name, int answers, byte rcode = 0, ushort type = A)
    {
        var m = new List<byte>();
        m.AddRange(Header(id, (ushort)(0x8180 | rcode), 1, (ushort)answers));
        m.AddRange(Name(name));
        m.AddRange([(byte)(type >> 8), (byte)type, 0, 1]);
        for (var i = 0; i < answers; i++)
        {
            m.AddRange([0xC0, 12, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 192, 0, 2, (byte)(i + 1)]);
        }

        return [.. m];
    }
}
