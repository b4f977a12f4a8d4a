using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MgmtWatch.Core.Analyzers.Tls;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Analyzers.Tls.TlsBytes;

namespace MgmtWatch.Core.Tests.Analyzers.Tls;

/// <summary>
/// The server certificate fields (tls.subject, tls.issuerdn, tls.serial, tls.fingerprint, tls.notbefore,
/// tls.notafter). Expected values come from outside the analyzer: tshark finds the certificate bytes in the
/// captures, and .NET's own X.509 reader (<see cref="X509Certificate2"/>, <see cref="X500DistinguishedName"/>)
/// says what they contain.
/// </summary>
public class ServerCertificateTests
{
    public static TheoryData<string, bool> Captures => new()
    {
        { Path.Combine(RepoPaths.Pcaps, "tls-openssl.pcap"), false },
        { Path.Combine("https", "zeek-tls1.2.pcap"), true },
    };

    /// <summary>
    /// Real handshakes: OpenSSL's two TLS 1.2 sessions with a self-signed certificate in one segment, and Zeek's
    /// capture of a commercial chain of four certificates whose Certificate message spans two TCP segments.
    /// The TLS 1.3 sessions (certificate encrypted) have none of the fields.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void CertificatesInRealHandshakesMatchTsharkAndDotnet(string capture, bool shared)
    {
        if (shared)
        {
            RepoPaths.SkipUnlessShared();
            capture = Path.Combine(RepoPaths.SharedPcaps, capture);
        }

        Tshark.SkipUnlessInstalled();
        var sent = Tshark.Fields(capture, "tls.handshake.type == 11", ["tcp.dstport", "tls.handshake.certificate"], "-d", "tcp.port==10443,tls");
        Assert.NotEmpty(sent);
        var run = RenderedRun.Of(capture);
        Assert.Empty(run.AnomaliesOf("tls"));
        var flows = run.FlowsOf("tls");
        foreach (var row in sent)
        {
            var flow = Assert.Single(flows, f => f.OrigPort().ToString(CultureInfo.InvariantCulture) == row[0]);
            var leaf = Convert.FromHexString(row[1].Split(',')[0].Replace(":", "", StringComparison.Ordinal));
            AssertFieldsDescribe(leaf, flow);
        }

        var withCertificate = flows.Where(f => f.Field("tls.fingerprint") is not null).ToList();
        Assert.Equal(sent.Count, withCertificate.Count);
        Assert.All(flows.Except(withCertificate), f => Assert.Null(f.Field("tls.subject")));
        Assert.All(withCertificate, f => Assert.Equal("TLSv12", f.Field("tls.version")));
    }

    [Fact]
    public void CertificateSpreadOverManyRecordsAndSegmentsIsReassembled()
    {
        var der = SelfSignedCertificate(new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero), new DateTimeOffset(2034, 3, 1, 0, 0, 1, TimeSpan.Zero),
            b => { b.AddCountryOrRegion("DE"); b.AddOrganizationName("Example BMC Vendor"); b.AddCommonName("bmc07.example.net"); });
        var flight = ServerFlight(der, recordSize: 100);
        var flow = Assert.Single(RenderedRun.Of(Conversation(flight, segment: 37)).FlowsOf("tls"));
        AssertFieldsDescribe(der, flow);
        // X500DistinguishedNameBuilder encodes the names last added first.
        Assert.Equal("CN=bmc07.example.net, O=Example BMC Vendor, C=DE", flow.Field("tls.subject"));
        Assert.Equal("2024-02-29T23:59:58", flow.Field("tls.notbefore"));
        Assert.Equal("2034-03-01T00:00:01", flow.Field("tls.notafter"));
    }

    /// <summary>RFC 5280 §4.1.2.5: UTCTime through 2049 (years 50–99 are the 1900s), GeneralizedTime from 2050.</summary>
    [Fact]
    public void UtcTimeAndGeneralizedTimeAreBothRead()
    {
        var der = SelfSignedCertificate(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2060, 12, 31, 23, 59, 59, TimeSpan.Zero),
            b => { b.AddCommonName("old"); });
        var flow = Assert.Single(RenderedRun.Of(Conversation(ServerFlight(der))).FlowsOf("tls"));
        Assert.Equal("1970-01-01T00:00:00", flow.Field("tls.notbefore"));
        Assert.Equal("2060-12-31T23:59:59", flow.Field("tls.notafter"));
    }

    /// <summary>A name crafted to read as two, or to move a terminal's cursor, comes out escaped.</summary>
    [Fact]
    public void NamesCannotForgeAnotherNameOrCarryControlCharacters()
    {
        var der = SelfSignedCertificate(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1),
            b => { b.AddOrganizationName("Evil+Corp"); b.AddCommonName("bmc01\u001b[2J, CN=trusted\\"); });
        var flow = Assert.Single(RenderedRun.Of(Conversation(ServerFlight(der))).FlowsOf("tls"));
        Assert.Equal("CN=bmc01\\x1b[2J\\x2c CN=trusted\\x5c, O=Evil\\x2bCorp", flow.Field("tls.subject"));
    }

    /// <summary>A relative name of two attributes (DER sorts them: the shorter encoding first), then a plain one.</summary>
    [Fact]
    public void MultiValuedRelativeNamesAreJoinedWithPlus()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf())
            {
                Attribute(writer, "2.5.4.3", "bmc02");
                Attribute(writer, "2.5.4.11", "ops");
            }

            using (writer.PushSetOf())
            {
                Attribute(writer, "2.5.4.10", "Vendor");
            }
        }

        var name = new X500DistinguishedName(writer.Encode());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest(name, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1));
        var flow = Assert.Single(RenderedRun.Of(Conversation(ServerFlight(certificate.RawData))).FlowsOf("tls"));
        Assert.Equal("OU=ops + CN=bmc02, O=Vendor", flow.Field("tls.subject"));
        Assert.Equal(flow.Field("tls.subject"), flow.Field("tls.issuerdn"));

        static void Attribute(AsnWriter writer, string oid, string value)
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(oid);
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
            }
        }
    }

    [Fact]
    public void BrokenCertificateIsAnAnomalyAndTheHelloIsStillReported()
    {
        var der = SelfSignedCertificate(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1), b => { b.AddCommonName("bmc"); });
        var broken = (byte[])der.Clone();
        broken[4] = 0x31; // tbsCertificate's SEQUENCE tag (after the outer 30 82 LL LL) becomes a SET
        var run = RenderedRun.Of(Conversation(ServerFlight(broken)));
        Assert.Equal(["TLS_MALFORMED_CERTIFICATE"], run.AnomaliesOf("tls"));
        var flow = Assert.Single(run.FlowsOf("tls"));
        Assert.Equal("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", flow.Field("tls.cipher"));
        Assert.Null(flow.Field("tls.subject"));
        Assert.Null(flow.Field("tls.fingerprint"));

        // A certificate list whose length disagrees with its message's.
        byte[] certificate = [.. Certificate(der)];
        certificate[6]++;
        run = RenderedRun.Of(Conversation(Records([.. ServerHello(0x0303, 0xc02f, null), .. certificate, .. ServerHelloDone])));
        Assert.Equal(["TLS_MALFORMED_CERTIFICATE"], run.AnomaliesOf("tls"));
    }

    /// <summary>A resumed session sends no certificate; a server that stops mid-certificate leaves none to read.</summary>
    [Fact]
    public void NoCertificateMeansNoFieldsAndNoAnomaly()
    {
        byte[] changeCipherSpec = [20, 3, 3, 0, 1, 1];
        var run = RenderedRun.Of(Conversation([.. Records(ServerHello(0x0303, 0xc02f, null)), .. changeCipherSpec]));
        Assert.Empty(run.AnomaliesOf("tls"));
        Assert.Null(Assert.Single(run.FlowsOf("tls")).Field("tls.subject"));

        var der = SelfSignedCertificate(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1), b => { b.AddCommonName("bmc"); });
        var flight = ServerFlight(der);
        run = RenderedRun.Of(Conversation(flight[..(flight.Length - 200)]));
        Assert.Empty(run.AnomaliesOf("tls"));
        var flow = Assert.Single(run.FlowsOf("tls"));
        Assert.Null(flow.Field("tls.subject"));
        Assert.Equal("TLSv12", flow.Field("tls.version"));
    }

    /// <summary>Every cut and every flipped byte of a real certificate is read without an exception.</summary>
    [Fact]
    public void DamagedCertificatesNeverThrow()
    {
        var der = SelfSignedCertificate(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1),
            b => { b.AddCountryOrRegion("US"); b.AddOrganizationName("Vendor"); b.AddCommonName("bmc"); });
        Assert.NotNull(ServerCertificate.Parse(der));
        for (var cut = 0; cut < der.Length; cut++)
        {
            Assert.Null(ServerCertificate.Parse(der.AsSpan(0, cut)));
        }

        var random = new Random(11);
        var damaged = new byte[der.Length];
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            der.CopyTo(damaged, 0);
            damaged[random.Next(der.Length)] = (byte)random.Next(256);
            damaged[random.Next(der.Length)] ^= (byte)(1 << random.Next(8));
            parsed += ServerCertificate.Parse(damaged) is null ? 0 : 1;
        }

        // Most single-byte damage lands in the key or the signature, which are not read.
        Assert.InRange(parsed, 10_000, 20_000);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "The fingerprint under test is SHA-1 by definition")]
    private static void AssertFieldsDescribe(byte[] der, JsonElement flow)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        Assert.Equal(Colons(Convert.ToHexStringLower(SHA1.HashData(der))), flow.Field("tls.fingerprint"));
        Assert.Equal(Colons(certificate.SerialNumber), flow.Field("tls.serial"));
        Assert.Equal(certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), flow.Field("tls.notbefore"));
        Assert.Equal(certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), flow.Field("tls.notafter"));
        Assert.Equal(Name(certificate.SubjectName), flow.Field("tls.subject"));
        Assert.Equal(Name(certificate.IssuerName), flow.Field("tls.issuerdn"));
    }

    /// <summary>A name as the analyzer writes it, from .NET's reading: encoded order, short names, ", " between.</summary>
    private static string Name(X500DistinguishedName name) => string.Join(", ", name.EnumerateRelativeDistinguishedNames(reversed: false).Select(rdn =>
        $"{ShortNames.GetValueOrDefault(rdn.GetSingleElementType().Value!, rdn.GetSingleElementType().Value!)}={rdn.GetSingleElementValue()!.Replace(",", "\\x2c", StringComparison.Ordinal)}"));

    private static readonly Dictionary<string, string> ShortNames = new()
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "street",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.17"] = "postalCode",
    };

    private static string Colons(string hex) => string.Join(':', hex.Chunk(2).Select(c => new string(c)));

    private static PcapBuilder Conversation(byte[] serverFlight, int segment = 1460)
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 443).Handshake()
            .Client(Records(ClientHello(0x0303, [0xc02f], [Sni("bmc07.example.net")])))
            .Server(serverFlight, segment: segment).Close();
        return b;
    }
}
