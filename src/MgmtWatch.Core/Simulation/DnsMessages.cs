using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>DNS queries and responses (RFC 1035 §4.1), no compression except the answer's pointer to the question name.</summary>
internal static class DnsMessages
{
    public const ushort A = 1;
    public const ushort Ptr = 12;
    public const ushort Null = 10;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;

    /// <summary>A recursive query for <paramref name="name"/>.</summary>
    public static int Query(Span<byte> b, ushort id, string name, ushort type)
    {
        BinaryPrimitives.WriteUInt16BigEndian(b, id);
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], 0x0100); // RD
        BinaryPrimitives.WriteUInt16BigEndian(b[4..], 1);
        b[6..12].Clear();
        var n = 12 + Name(b[12..], name);
        BinaryPrimitives.WriteUInt16BigEndian(b[n..], type);
        BinaryPrimitives.WriteUInt16BigEndian(b[(n + 2)..], 1); // IN
        return n + 4;
    }

    /// <summary>
    /// The response to a query in <paramref name="query"/> (length <paramref name="queryLength"/>): the
    /// question echoed, then one answer with <paramref name="rdata"/>, or none with NXDOMAIN/NODATA.
    /// </summary>
    public static int Response(Span<byte> b, ReadOnlySpan<byte> query, int queryLength, ushort type, uint ttl, ReadOnlySpan<byte> rdata, bool nxdomain = false)
    {
        query[..queryLength].CopyTo(b);
        var answers = nxdomain || rdata.IsEmpty ? 0 : 1;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)(0x8180 | (nxdomain ? 3 : 0))); // QR, RD, RA, rcode
        BinaryPrimitives.WriteUInt16BigEndian(b[6..], (ushort)answers);
        var n = queryLength;
        if (answers == 1)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b[n..], 0xC00C); // pointer to the question name
            BinaryPrimitives.WriteUInt16BigEndian(b[(n + 2)..], type);
            BinaryPrimitives.WriteUInt16BigEndian(b[(n + 4)..], 1);
            BinaryPrimitives.WriteUInt32BigEndian(b[(n + 6)..], ttl);
            BinaryPrimitives.WriteUInt16BigEndian(b[(n + 10)..], (ushort)rdata.Length);
            rdata.CopyTo(b[(n + 12)..]);
            n += 12 + rdata.Length;
        }

        return n;
    }

    /// <summary>TXT RDATA: character-strings of at most 255 bytes.</summary>
    public static byte[] TxtData(string text)
    {
        var w = new ByteWriter();
        for (var i = 0; i < text.Length; i += 255)
        {
            var part = text.Substring(i, Math.Min(255, text.Length - i));
            w.U8(part.Length).Ascii(part);
        }

        return w.ToArray();
    }

    public static byte[] AData(uint ip) => [(byte)(ip >> 24), (byte)(ip >> 16), (byte)(ip >> 8), (byte)ip];

    private static int Name(Span<byte> b, string name)
    {
        var n = 0;
        foreach (var label in name.Split('.'))
        {
            b[n++] = (byte)label.Length;
            for (var i = 0; i < label.Length; i++)
            {
                b[n++] = (byte)label[i];
            }
        }

        b[n++] = 0;
        return n;
    }
}
