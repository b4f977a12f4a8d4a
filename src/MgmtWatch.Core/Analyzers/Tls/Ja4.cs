using System.Security.Cryptography;
using System.Text;

namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>
/// JA4 (FoxIO, technical_details/JA4.md): <c>t13d1516h2_8daaf6152771_e5627efa2ab1</c> =
/// transport, TLS version, SNI (d) or not (i), cipher count, extension count, first and last character of
/// the first ALPN value; then the first 12 hex digits of SHA-256 over the sorted cipher list; then over the
/// sorted extension list without SNI and ALPN, '_', and the signature algorithms in wire order. Values are
/// 4-digit lower-case hex, comma-joined; GREASE (RFC 8701) is ignored everywhere.
/// </summary>
internal static class Ja4
{
    /// <summary>Counts of ciphers and extensions are two digits: 99 at most (JA4.md, "Number of Ciphers").</summary>
    private const int MaxCount = 99;

    /// <summary>An empty list hashes to twelve zeros rather than SHA-256 of nothing (JA4.md, "Cipher hash").</summary>
    private const string EmptyHash = "000000000000";

    /// <summary>The JA4 of a ClientHello carried over TCP.</summary>
    public static string Compute(ClientHello hello) =>
        Compute('t', VersionOf(hello), hello.Extensions.Contains(ClientHello.ExtServerName), hello.Ciphers, hello.Extensions, hello.Ja4Alpn, hello.SignatureAlgorithms);

    /// <summary>JA4 from its parts (lists in wire order, GREASE included: it is removed here).</summary>
    public static string Compute(char transport, string version, bool sni, IReadOnlyList<ushort> ciphers, IReadOnlyList<ushort> extensions,
        string alpn, IReadOnlyList<ushort> signatureAlgorithms)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(ciphers);
        ArgumentNullException.ThrowIfNull(extensions);
        ArgumentNullException.ThrowIfNull(alpn);
        ArgumentNullException.ThrowIfNull(signatureAlgorithms);

        var cipherList = WithoutGrease(ciphers);
        var extensionList = WithoutGrease(extensions);
        var cipherCount = Math.Min(cipherList.Count, MaxCount);
        var extensionCount = Math.Min(extensionList.Count, MaxCount);
        cipherList.Sort();
        extensionList.RemoveAll(e => e is ClientHello.ExtServerName or ClientHello.ExtAlpn);
        extensionList.Sort();

        var sb = new StringBuilder(40);
        sb.Append(transport).Append(version).Append(sni ? 'd' : 'i')
          .Append((char)('0' + (cipherCount / 10))).Append((char)('0' + (cipherCount % 10)))
          .Append((char)('0' + (extensionCount / 10))).Append((char)('0' + (extensionCount % 10)))
          .Append(alpn).Append('_');
        sb.Append(cipherList.Count == 0 ? EmptyHash : Hash12(HexList(cipherList)));
        sb.Append('_');
        if (extensionList.Count == 0)
        {
            sb.Append(EmptyHash);
        }
        else
        {
            // "If there are no signature algorithms in the hello packet, then the string ends without an underscore."
            var text = HexList(extensionList);
            var algorithms = WithoutGrease(signatureAlgorithms);
            if (algorithms.Count > 0)
            {
                text += "_" + HexList(algorithms);
            }

            sb.Append(Hash12(text));
        }

        return sb.ToString();
    }

    /// <summary>
    /// The version code: the highest non-GREASE value of supported_versions when the extension is present,
    /// else the hello's legacy version (the record-layer version is ignored).
    /// </summary>
    public static string VersionOf(ClientHello hello)
    {
        ArgumentNullException.ThrowIfNull(hello);
        var version = hello.LegacyVersion;
        if (hello.HasSupportedVersions)
        {
            var best = -1;
            foreach (var v in hello.SupportedVersions)
            {
                if (!TlsRecords.IsGrease(v) && v > best)
                {
                    best = v;
                }
            }

            if (best >= 0)
            {
                version = (ushort)best;
            }
        }

        return version switch
        {
            0x0304 => "13",
            0x0303 => "12",
            0x0302 => "11",
            0x0301 => "10",
            0x0300 => "s3",
            0x0002 or 0x0200 => "s2",
            0xFEFF => "d1",
            0xFEFD => "d2",
            0xFEFC => "d3",
            _ => "00",
        };
    }

    /// <summary>
    /// The two ALPN characters of JA4 from the raw first protocol name: its first and last bytes when both are
    /// ASCII letters or digits (one byte counts as both), otherwise the first and last digits of its hex
    /// form; "00" when it is empty.
    /// </summary>
    public static string AlpnCharacters(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return "00";
        }

        var first = name[0];
        var last = name[^1];
        if (IsAlphanumeric(first) && IsAlphanumeric(last))
        {
            return string.Create(2, (first, last), static (s, v) =>
            {
                s[0] = (char)v.first;
                s[1] = (char)v.last;
            });
        }

        const string Hex = "0123456789abcdef";
        return string.Create(2, (first, last), static (s, v) =>
        {
            s[0] = Hex[v.first >> 4];
            s[1] = Hex[v.last & 0xF];
        });
    }

    private static bool IsAlphanumeric(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z');

    private static List<ushort> WithoutGrease(IReadOnlyList<ushort> values)
    {
        var list = new List<ushort>(values.Count);
        foreach (var v in values)
        {
            if (!TlsRecords.IsGrease(v))
            {
                list.Add(v);
            }
        }

        return list;
    }

    private static string HexList(List<ushort> values)
    {
        var sb = new StringBuilder(values.Count * 5);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Convert.ToHexStringLower([(byte)(values[i] >> 8), (byte)values[i]]));
        }

        return sb.ToString();
    }

    private static string Hash12(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(text)))[..12];
}
