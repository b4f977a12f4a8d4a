using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>
/// JA3 and JA3S (Salesforce, 2017): the hello's fields as decimal numbers, values joined by '-' and fields by
/// ',', then MD5 in lower-case hex. JA3 = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
/// from the ClientHello; JA3S = SSLVersion,Cipher,Extensions from the ServerHello. GREASE values (RFC 8701)
/// are left out of every list, as the reference implementation does.
/// </summary>
internal static class Ja3
{
    /// <summary>The JA3 string of a ClientHello.</summary>
    public static string ClientString(ClientHello hello)
    {
        var sb = new StringBuilder(256);
        sb.Append(hello.LegacyVersion.ToString(CultureInfo.InvariantCulture)).Append(',');
        AppendList(sb, hello.Ciphers);
        sb.Append(',');
        AppendList(sb, hello.Extensions);
        sb.Append(',');
        AppendList(sb, hello.Groups);
        sb.Append(',');
        for (var i = 0; i < hello.PointFormats.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('-');
            }

            sb.Append(hello.PointFormats[i].ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>The JA3S string of a ServerHello.</summary>
    public static string ServerString(ServerHello hello)
    {
        var sb = new StringBuilder(64);
        sb.Append(hello.LegacyVersion.ToString(CultureInfo.InvariantCulture)).Append(',')
          .Append(hello.Cipher.ToString(CultureInfo.InvariantCulture)).Append(',');
        AppendList(sb, hello.Extensions);
        return sb.ToString();
    }

    /// <summary>MD5 of the string, lower-case hex: the published JA3/JA3S value.</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Primitives",
        Justification = "JA3 is defined as MD5 of the JA3 string; it is an identifier for matching published fingerprints, not a security control.")]
    public static string Hash(string ja3) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(ja3)));

    private static void AppendList(StringBuilder sb, List<ushort> values)
    {
        var first = true;
        foreach (var v in values)
        {
            if (TlsRecords.IsGrease(v))
            {
                continue;
            }

            if (!first)
            {
                sb.Append('-');
            }

            sb.Append(v.ToString(CultureInfo.InvariantCulture));
            first = false;
        }
    }
}
