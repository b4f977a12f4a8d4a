using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MgmtWatch.Core.Analyzers.Asn1;

namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>
/// What a server's own (leaf) X.509 certificate says about it (RFC 5280 §4.1), in the forms Suricata's EVE
/// <c>tls</c> object uses: subject and issuer names, serial number, validity and SHA-1 fingerprint. A BMC's
/// web certificate is usually self-signed and made by its firmware, so a new fingerprint on a known BMC is
/// what a reflash (or a machine answering in its place) looks like on the wire (threats.md §14).
/// Only TLS 1.2 and older send the certificate in clear; TLS 1.3 encrypts it.
/// </summary>
/// <param name="Subject">The subject name, relative distinguished names in their encoded order, ", " between them.</param>
/// <param name="Issuer">The issuer name, likewise.</param>
/// <param name="Serial">The serial number, upper-case hex bytes joined by ':'.</param>
/// <param name="NotBefore">Start of validity, <c>yyyy-MM-ddTHH:mm:ss</c> (UTC), or null when not a valid time.</param>
/// <param name="NotAfter">End of validity, likewise.</param>
/// <param name="Fingerprint">SHA-1 of the certificate's DER bytes, lower-case hex bytes joined by ':'.</param>
internal sealed record ServerCertificate(string Subject, string Issuer, string Serial, string? NotBefore, string? NotAfter, string Fingerprint)
{
    /// <summary>Handshake type of the Certificate message (RFC 5246 §7.4.2).</summary>
    public const byte HandshakeType = 11;

    /// <summary>Serial bytes shown at most: RFC 5280 §4.1.2.2 allows 20; the rest of a longer one is cut.</summary>
    private const int MaxSerialBytes = 32;

    private const byte Set = 0x31;
    private const byte Version = 0xA0;
    private const byte UtcTime = 0x17;
    private const byte GeneralizedTime = 0x18;
    private const byte BmpString = 0x1E;

    /// <summary>
    /// Finds the first certificate of a Certificate message that follows the first handshake message in
    /// <paramref name="handshakes"/> (the handshake bytes of a server's first flight, records removed).
    /// <see cref="CertificateSearch.NeedMore"/> while the certificate is not all there yet.
    /// </summary>
    public static CertificateSearch FindLeaf(ReadOnlySpan<byte> handshakes, out ReadOnlySpan<byte> der)
    {
        der = default;

        // The hello: type (1), length (3), body. Then the Certificate message: type (1), length (3),
        // certificate_list length (3), then each certificate's length (3) and DER.
        var r = new ByteReader(handshakes);
        if (!r.TrySkip(1) || !r.TryU24(out var hello) || !r.TrySkip(hello) || !r.TryU8(out var type) || !r.TryU24(out var message))
        {
            return CertificateSearch.NeedMore;
        }

        if (type != HandshakeType)
        {
            return CertificateSearch.Absent; // resumption, or an anonymous or PSK suite: no certificate
        }

        if (!r.TryU24(out var list) || !r.TryU24(out var length))
        {
            return CertificateSearch.NeedMore;
        }

        if (list == 0)
        {
            return CertificateSearch.Absent; // an empty list (allowed for a client, odd for a server)
        }

        if (list + 3 != message || length == 0 || length + 3 > list)
        {
            return CertificateSearch.Malformed;
        }

        return r.TryBytes(length, out der) ? CertificateSearch.Found : CertificateSearch.NeedMore;
    }

    /// <summary>Reads a DER certificate; null when it is not one (anything that does not parse as RFC 5280's structure).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification =
        "The SHA-1 fingerprint names a certificate as Suricata, Zeek and browsers show it; it secures nothing")]
    public static ServerCertificate? Parse(ReadOnlySpan<byte> der)
    {
        var top = new BerReader(der, der.Length);
        if (!top.TryEnter(BerTag.Sequence, out var certificate) || top.HasMore || !certificate.TryEnter(BerTag.Sequence, out var tbs))
        {
            return null;
        }

        if (tbs.TryPeekTag(out var tag) && tag == Version && !tbs.TrySkip())
        {
            return null;
        }

        if (!tbs.TryReadOctetString(BerTag.Integer, out var serial) || serial.Length == 0 || !tbs.TrySkip() ||
            !tbs.TryEnter(BerTag.Sequence, out var issuerName))
        {
            return null;
        }

        var issuer = Name(ref issuerName);
        if (issuer is null || !tbs.TryEnter(BerTag.Sequence, out var validity) ||
            !TryReadTime(ref validity, out var notBefore) || !TryReadTime(ref validity, out var notAfter) ||
            !tbs.TryEnter(BerTag.Sequence, out var subjectName))
        {
            return null;
        }

        var subject = Name(ref subjectName);
        if (subject is null)
        {
            return null;
        }

        Span<byte> sha1 = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(der, sha1);
        return new ServerCertificate(subject, issuer, HexBytes(serial, MaxSerialBytes, upper: true), notBefore, notAfter, HexBytes(sha1, sha1.Length, upper: false));
    }

    /// <summary>
    /// An RDNSequence (RFC 5280 §4.1.2.4) as text: <c>type=value</c> in encoded order, ", " between relative
    /// names and " + " inside a multi-valued one (as <c>openssl x509 -nameopt sep_comma_plus_space</c>). Values
    /// are escaped as every wire text is (<see cref="WireText"/>), and the separators ',' and '+' inside a
    /// value as well, so a crafted value cannot pass for another name.
    /// </summary>
    private static string? Name(ref BerReader name)
    {
        var text = new StringBuilder();
        while (name.HasMore)
        {
            if (!name.TryEnter(Set, out var rdn))
            {
                return null;
            }

            var first = true;
            while (rdn.HasMore)
            {
                if (!rdn.TryEnter(BerTag.Sequence, out var pair) ||
                    !pair.TryReadObjectIdentifier(BerTag.ObjectIdentifier, out var oid, out _) ||
                    !pair.TryPeekTag(out var valueTag) || !pair.TryReadOctetString(valueTag, out var value))
                {
                    return null;
                }

                if (text.Length > 0)
                {
                    text.Append(first ? ", " : " + ");
                }

                first = false;
                AppendType(text, oid);
                text.Append('=');
                AppendValue(text, valueTag, value);
                if (text.Length > WireText.MaxFieldChars)
                {
                    return text.ToString(); // the pipeline cuts it to the limit and marks the cut
                }
            }
        }

        return name.Error == BerError.None ? text.ToString() : null;
    }

    /// <summary>The short name of a common attribute type (RFC 4514 §3 and OpenSSL's), else the dotted OID.</summary>
    private static void AppendType(StringBuilder text, ReadOnlySpan<byte> oid)
    {
        // id-at (2.5.4.n) is 55 04 n.
        if (oid.Length == 3 && oid[0] == 0x55 && oid[1] == 0x04)
        {
            var name = oid[2] switch
            {
                3 => "CN",
                4 => "SN",
                5 => "serialNumber",
                6 => "C",
                7 => "L",
                8 => "ST",
                9 => "street",
                10 => "O",
                11 => "OU",
                12 => "title",
                17 => "postalCode",
                42 => "GN",
                _ => null,
            };
            if (name is not null)
            {
                text.Append(name);
                return;
            }
        }

        if (oid.SequenceEqual(EmailAddress))
        {
            text.Append("emailAddress");
            return;
        }

        if (oid.SequenceEqual(DomainComponent))
        {
            text.Append("DC");
            return;
        }

        AppendDotted(text, oid);
    }

    /// <summary>1.2.840.113549.1.9.1 (PKCS #9 emailAddress).</summary>
    private static ReadOnlySpan<byte> EmailAddress => [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01];

    /// <summary>0.9.2342.19200300.100.1.25 (domainComponent, RFC 4519).</summary>
    private static ReadOnlySpan<byte> DomainComponent => [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19];

    /// <summary>An OID validated by <see cref="BerReader"/> in dotted form (X.690 §8.19).</summary>
    private static void AppendDotted(StringBuilder text, ReadOnlySpan<byte> oid)
    {
        ulong arc = 0;
        var first = true;
        foreach (var b in oid)
        {
            arc = (arc << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) != 0)
            {
                continue;
            }

            if (first)
            {
                var top = Math.Min(2, arc / 40);
                text.Append(top).Append('.').Append(arc - (top * 40));
                first = false;
            }
            else
            {
                text.Append('.').Append(arc);
            }

            arc = 0;
        }
    }

    private static void AppendValue(StringBuilder text, byte tag, ReadOnlySpan<byte> value)
    {
        if (tag == BmpString && value.Length % 2 == 0)
        {
            // UCS-2 big-endian: the ASCII range becomes its characters, anything else its escaped bytes.
            for (var i = 0; i < value.Length; i += 2)
            {
                var c = BinaryPrimitives.ReadUInt16BigEndian(value[i..]);
                if (c < 0x80)
                {
                    AppendByte(text, (byte)c);
                }
                else
                {
                    WireText.Append(text, value.Slice(i, 2));
                }
            }

            return;
        }

        foreach (var b in value)
        {
            AppendByte(text, b);
        }
    }

    private static void AppendByte(StringBuilder text, byte b)
    {
        if (b is (byte)',' or (byte)'+')
        {
            text.Append(b == ',' ? "\\x2c" : "\\x2b");
        }
        else
        {
            WireText.Append(text, [b]);
        }
    }

    /// <summary>
    /// Reads a Time (RFC 5280 §4.1.2.5): UTCTime <c>YYMMDDHHMMSSZ</c> (years 50–99 are 19xx) or GeneralizedTime
    /// <c>YYYYMMDDHHMMSSZ</c>. False when the element is missing; a value in another form gives null.
    /// </summary>
    private static bool TryReadTime(ref BerReader validity, out string? time)
    {
        time = null;
        if (!validity.TryPeekTag(out var tag) || tag is not (UtcTime or GeneralizedTime) || !validity.TryReadOctetString(tag, out var value))
        {
            return false;
        }

        var digits = tag == UtcTime ? 12 : 14;
        if (value.Length != digits + 1 || value[digits] != (byte)'Z')
        {
            return true;
        }

        foreach (var b in value[..digits])
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return true;
            }
        }

        var y = tag == UtcTime ? Two(value, 0) : (Two(value, 0) * 100) + Two(value, 2);
        if (tag == UtcTime)
        {
            y += y >= 50 ? 1900 : 2000;
        }

        var d = value[(digits - 10)..];
        var (month, day, hour, minute, second) = (Two(d, 0), Two(d, 2), Two(d, 4), Two(d, 6), Two(d, 8));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, y), month) || hour > 23 || minute > 59 || second > 59)
        {
            return true;
        }

        time = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{y:D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:{second:D2}");
        return true;
    }

    private static int Two(ReadOnlySpan<byte> s, int at) => ((s[at] - '0') * 10) + (s[at + 1] - '0');

    private static string HexBytes(ReadOnlySpan<byte> bytes, int max, bool upper)
    {
        var shown = bytes[..Math.Min(bytes.Length, max)];
        var hex = upper ? Convert.ToHexString(shown) : Convert.ToHexStringLower(shown);
        var text = new StringBuilder((shown.Length * 3) + 1);
        for (var i = 0; i < shown.Length; i++)
        {
            if (i > 0)
            {
                text.Append(':');
            }

            text.Append(hex, i * 2, 2);
        }

        if (shown.Length < bytes.Length)
        {
            text.Append(WireText.TruncationMark[0]);
        }

        return text.ToString();
    }
}

/// <summary>What <see cref="ServerCertificate.FindLeaf"/> found after a server's hello.</summary>
internal enum CertificateSearch
{
    /// <summary>The first certificate is all there.</summary>
    Found,

    /// <summary>The Certificate message, or its first certificate, continues beyond the bytes so far.</summary>
    NeedMore,

    /// <summary>The hello is followed by something else: no certificate is sent.</summary>
    Absent,

    /// <summary>A Certificate message whose lengths contradict each other.</summary>
    Malformed,
}
