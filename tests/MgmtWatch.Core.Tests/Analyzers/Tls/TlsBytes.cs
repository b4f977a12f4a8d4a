using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MgmtWatch.Core.Analyzers.Tls;

namespace MgmtWatch.Core.Tests.Analyzers.Tls;

/// <summary>Builds TLS hellos byte by byte (RFC 8446 §4.1.2–4.1.3) for crafted captures and vectors.</summary>
public static class TlsBytes
{
    public static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];

    public static byte[] U16List(IEnumerable<ushort> values) => [.. values.SelectMany(v => U16(v))];

    public static byte[] Vector16(byte[] body) => [.. U16(body.Length), .. body];

    public static byte[] Vector8(byte[] body) => [(byte)body.Length, .. body];

    public static (ushort Type, byte[] Data) Sni(string host) =>
        (0, Vector16([0, .. Vector16(Encoding.ASCII.GetBytes(host))]));

    public static (ushort Type, byte[] Data) Alpn(params string[] protocols) =>
        (16, Vector16([.. protocols.SelectMany(p => Vector8(Encoding.ASCII.GetBytes(p)))]));

    public static (ushort Type, byte[] Data) Groups(params ushort[] groups) => (10, Vector16(U16List(groups)));

    public static (ushort Type, byte[] Data) PointFormats(params byte[] formats) => (11, Vector8(formats));

    public static (ushort Type, byte[] Data) SignatureAlgorithms(params ushort[] algorithms) => (13, Vector16(U16List(algorithms)));

    public static (ushort Type, byte[] Data) SupportedVersions(params ushort[] versions) => (43, Vector8(U16List(versions)));

    public static (ushort Type, byte[] Data) Empty(ushort type) => (type, []);

    /// <summary>A ClientHello handshake message (with its 4-byte header).</summary>
    public static byte[] ClientHello(ushort version, IEnumerable<ushort> ciphers, IEnumerable<(ushort Type, byte[] Data)>? extensions)
    {
        var body = new List<byte>();
        body.AddRange(U16(version));
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i));
        body.AddRange(Vector8([.. Enumerable.Repeat((byte)0xAA, 32)]));
        body.AddRange(Vector16(U16List(ciphers)));
        body.AddRange(Vector8([0]));
        if (extensions is not null)
        {
            body.AddRange(Vector16([.. extensions.SelectMany(e => (byte[])[.. U16(e.Type), .. Vector16(e.Data)])]));
        }

        return [1, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count, .. body];
    }

    /// <summary>A ServerHello handshake message.</summary>
    public static byte[] ServerHello(ushort version, ushort cipher, IEnumerable<(ushort Type, byte[] Data)>? extensions)
    {
        var body = new List<byte>();
        body.AddRange(U16(version));
        body.AddRange(Enumerable.Range(100, 32).Select(i => (byte)i));
        body.AddRange(Vector8([.. Enumerable.Repeat((byte)0xAA, 32)]));
        body.AddRange(U16(cipher));
        body.Add(0);
        if (extensions is not null)
        {
            body.AddRange(Vector16([.. extensions.SelectMany(e => (byte[])[.. U16(e.Type), .. Vector16(e.Data)])]));
        }

        return [2, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count, .. body];
    }

    /// <summary>Handshake records carrying <paramref name="message"/>, cut into records of at most <paramref name="recordSize"/> bytes.</summary>
    public static byte[] Records(byte[] message, int recordSize = 16384, ushort recordVersion = 0x0301)
    {
        var output = new List<byte>();
        for (var offset = 0; offset < message.Length; offset += recordSize)
        {
            var n = Math.Min(recordSize, message.Length - offset);
            output.Add(22);
            output.AddRange(U16(recordVersion));
            output.AddRange(U16(n));
            output.AddRange(message.AsSpan(offset, n).ToArray());
        }

        return [.. output];
    }

    /// <summary>A self-signed certificate (DER) made with .NET's own X.509 writer, for the name <paramref name="name"/> builds.</summary>
    public static byte[] SelfSignedCertificate(DateTimeOffset notBefore, DateTimeOffset notAfter, Action<X500DistinguishedNameBuilder> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new X500DistinguishedNameBuilder();
        name(builder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(builder.Build(), key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return certificate.RawData;
    }

    /// <summary>A Certificate handshake message with one certificate (RFC 5246 §7.4.2).</summary>
    public static byte[] Certificate(byte[] der) => [ServerCertificate.HandshakeType, .. U24(der.Length + 6), .. U24(der.Length + 3), .. U24(der.Length), .. der];

    public static byte[] ServerHelloDone => [14, 0, 0, 0];

    public static byte[] U24(int v) => [(byte)(v >> 16), (byte)(v >> 8), (byte)v];

    /// <summary>A TLS 1.2 server's first flight: ServerHello, Certificate, ServerHelloDone, in records of at most <paramref name="recordSize"/> bytes.</summary>
    public static byte[] ServerFlight(byte[] der, int recordSize = 16384) =>
        Records([.. ServerHello(0x0303, 0xc02f, null), .. Certificate(der), .. ServerHelloDone], recordSize);

    public static ushort[] Hex(string commaSeparated) =>
        [.. commaSeparated.Split(',').Select(h => Convert.ToUInt16(h, 16))];
}
