using System.Globalization;
using System.Text;

namespace MgmtWatch.Core.Analyzers.Dns;

/// <summary>
/// Helpers over a decoded name held as length-prefixed labels without the root (what
/// <see cref="DnsParser.ReadName"/> writes): presentation text, the registrable domain, label entropy,
/// a stable hash, and the mnemonic names of types and response codes.
/// </summary>
internal static class DnsNames
{
    /// <summary>
    /// Second-level labels that act as public suffixes under two-letter country TLDs (co.uk, com.au,
    /// ac.jp, gov.br …): the registrable domain then keeps three labels. A short list rather than the
    /// Public Suffix List: enough for management networks, and it never treats a short registered name
    /// (abc.io) as a suffix, which would let a tunnel under it split into one "domain" per query.
    /// </summary>
    private static readonly HashSet<string> PublicSecondLevels = new(StringComparer.Ordinal)
    {
        "ac", "co", "com", "edu", "gob", "gov", "go", "ltd", "mil", "ne", "net", "nhs", "nic", "or", "org", "plc", "sch",
    };

    /// <summary>
    /// RFC 1035 §5.1 presentation form, at most <paramref name="maxChars"/> characters: printable ASCII as
    /// is, <c>\.</c> and <c>\\</c> for a dot or backslash inside a label, <c>\DDD</c> for any other octet, so
    /// control and non-ASCII bytes never reach an output. The root is ".".
    /// </summary>
    public static string Format(ReadOnlySpan<byte> labels, int maxChars)
    {
        if (labels.IsEmpty)
        {
            return ".";
        }

        var sb = new StringBuilder(Math.Min(maxChars, labels.Length + 8));
        var i = 0;
        while (i < labels.Length && sb.Length < maxChars)
        {
            int length = labels[i++];
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            for (var j = 0; j < length && i < labels.Length; j++, i++)
            {
                var b = labels[i];
                if (b is (byte)'.' or (byte)'\\')
                {
                    sb.Append('\\').Append((char)b);
                }
                else if (b is > 0x20 and < 0x7F)
                {
                    sb.Append((char)b);
                }
                else
                {
                    sb.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
                }
            }
        }

        return sb.Length > maxChars ? sb.ToString(0, maxChars) : sb.ToString();
    }

    /// <summary>
    /// Where the registrable domain starts in <paramref name="labels"/>: the last two labels, or three when
    /// the top level is a two-letter country code and the second level one of the common public second
    /// levels (see <see cref="PublicSecondLevels"/>). A name of fewer labels is its own domain.
    /// </summary>
    public static int RegistrableDomainStart(ReadOnlySpan<byte> labels)
    {
        Span<int> starts = stackalloc int[128]; // a 255-octet name has at most 127 labels
        var count = 0;
        for (var i = 0; i < labels.Length && count < starts.Length; i += 1 + labels[i])
        {
            starts[count++] = i;
        }

        if (count <= 2)
        {
            return 0;
        }

        var tld = Label(labels, starts[count - 1]);
        var second = Label(labels, starts[count - 2]);
        var keep = 2;
        if (tld.Length == 2 && second.Length <= 3 && IsPublicSecondLevel(second))
        {
            keep = 3;
        }

        return count <= keep ? 0 : starts[count - keep];
    }

    /// <summary>The label whose length octet is at <paramref name="at"/>.</summary>
    public static ReadOnlySpan<byte> Label(ReadOnlySpan<byte> labels, int at)
    {
        if (at < 0 || at >= labels.Length)
        {
            return default;
        }

        var length = Math.Min(labels[at], labels.Length - at - 1);
        return labels.Slice(at + 1, length);
    }

    /// <summary>
    /// Shannon entropy in bits per character of <paramref name="label"/>, ASCII letters folded to lower
    /// case (resolvers randomise case, draft-vixie-dnsext-dns0x20, which would otherwise look like entropy).
    /// </summary>
    public static double Entropy(ReadOnlySpan<byte> label)
    {
        if (label.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[256];
        foreach (var b in label)
        {
            counts[Lower(b)]++;
        }

        double h = 0;
        foreach (var c in counts)
        {
            if (c > 0)
            {
                var p = (double)c / label.Length;
                h -= p * Math.Log2(p);
            }
        }

        return h;
    }

    /// <summary>64-bit FNV-1a of the labels, case-folded: stable across runs, for counting distinct names in memory.</summary>
    public static ulong Hash(ReadOnlySpan<byte> labels)
    {
        const ulong Offset = 14695981039346656037UL; // FNV-1a 64-bit offset basis
        const ulong Prime = 1099511628211UL;         // FNV-1a 64-bit prime
        var h = Offset;
        foreach (var b in labels)
        {
            h = (h ^ Lower(b)) * Prime;
        }

        return h;
    }

    /// <summary>Mnemonic of a QTYPE (IANA DNS parameters), or RFC 3597's TYPEnnn.</summary>
    public static string TypeName(ushort type) => type switch
    {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        10 => "NULL",
        12 => "PTR",
        13 => "HINFO",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        41 => "OPT",
        43 => "DS",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        50 => "NSEC3",
        52 => "TLSA",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        255 => "ANY",
        257 => "CAA",
        _ => "TYPE" + type.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Mnemonic of an RCODE (RFC 1035 §4.1.1, RFC 2136 §2.2).</summary>
    public static string RcodeName(byte rcode) => rcode switch
    {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        _ => "RCODE" + rcode.ToString(CultureInfo.InvariantCulture),
    };

    private static bool IsPublicSecondLevel(ReadOnlySpan<byte> label)
    {
        Span<char> lower = stackalloc char[3];
        for (var i = 0; i < label.Length; i++)
        {
            lower[i] = (char)Lower(label[i]);
        }

        return PublicSecondLevels.GetAlternateLookup<ReadOnlySpan<char>>().Contains(lower[..label.Length]);
    }

    private static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
