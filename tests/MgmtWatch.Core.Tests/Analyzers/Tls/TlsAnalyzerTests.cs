using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MgmtWatch.Core.Analyzers.Tls;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Analyzers.Tls.TlsBytes;

namespace MgmtWatch.Core.Tests.Analyzers.Tls;

public class TlsAnalyzerTests
{
    private static string OpensslCapture => Path.Combine(RepoPaths.Pcaps, "tls-openssl.pcap");

    [SkippableFact]
    public void ZeekTls12HandshakeMatchesTsharkVersionCipherJa3AndJa3s()
    {
        RepoPaths.SkipUnlessShared();
        Tshark.SkipUnlessInstalled();
        var path = Path.Combine(RepoPaths.SharedPcaps, "https", "zeek-tls1.2.pcap");
        var client = Assert.Single(Tshark.Fields(path, "tls.handshake.type == 1", ["tls.handshake.ja3", "tls.handshake.extensions_server_name"]));
        var server = Assert.Single(Tshark.Fields(path, "tls.handshake.type == 2", ["tls.handshake.ja3s", "tls.handshake.ciphersuite", "tls.handshake.version"]));

        var flow = Assert.Single(RenderedRun.Of(path).FlowsOf("tls"));
        Assert.Equal(client[0], flow.Field("tls.ja3"));
        Assert.Equal(server[0], flow.Field("tls.ja3s"));
        Assert.Equal("", client[1]);
        Assert.Null(flow.Field("tls.sni"));
        Assert.Equal("0x0004", server[1]);
        Assert.Equal("TLS_RSA_WITH_RC4_128_MD5", flow.Field("tls.cipher"));
        Assert.Equal("0x0303", server[2]);
        Assert.Equal("TLSv12", flow.Field("tls.version"));
        Assert.NotNull(flow.Field("tls.ja4"));
    }

    /// <summary>
    /// Real OpenSSL 3.0 handshakes (pcaps/tls-openssl.pcap): every ClientHello's SNI, ALPN, JA3 and JA4 and
    /// every ServerHello's version, cipher and JA3S agree with what tshark dissects from the same packets.
    /// JA4 is recomputed here from tshark's fields by the published recipe, independently of the analyzer.
    /// </summary>
    [SkippableFact]
    public void OpensslHandshakesMatchTsharkFieldByField()
    {
        Tshark.SkipUnlessInstalled();
        var decode = new[] { "-d", "tcp.port==10443,tls" };
        var clients = Tshark.Fields(OpensslCapture, "tls.handshake.type == 1",
            ["tcp.srcport", "tls.handshake.ja3", "tls.handshake.extensions_server_name", "tls.handshake.extensions_alpn_str",
             "tls.handshake.ciphersuite", "tls.handshake.extension.type", "tls.handshake.sig_hash_alg", "tls.handshake.extensions.supported_version", "tls.handshake.version"], decode);
        var servers = Tshark.Fields(OpensslCapture, "tls.handshake.type == 2",
            ["tcp.dstport", "tls.handshake.ja3s", "tls.handshake.ciphersuite", "tls.handshake.version", "tls.handshake.extensions.supported_version"], decode);
        Assert.Equal(5, clients.Count);
        Assert.Equal(4, servers.Count);

        var run = RenderedRun.Of(OpensslCapture);
        var flows = run.FlowsOf("tls");
        Assert.Equal(5, flows.Count);
        Assert.Empty(run.AnomaliesOf("tls"));
        foreach (var c in clients)
        {
            var flow = Assert.Single(flows, f => f.OrigPort().ToString(CultureInfo.InvariantCulture) == c[0]);
            Assert.Equal(c[1], flow.Field("tls.ja3"));
            Assert.Equal(c[2] == "" ? null : c[2], flow.Field("tls.sni"));
            Assert.Equal(c[3] == "" ? null : c[3], flow.Field("tls.alpn"));
            Assert.Equal(Ja4FromTshark(c[2] != "", c[3], c[4], c[5], c[6], c[7] != "" ? c[7] : c[8]), flow.Field("tls.ja4"));
        }

        foreach (var s in servers)
        {
            var flow = Assert.Single(flows, f => f.OrigPort().ToString(CultureInfo.InvariantCulture) == s[0]);
            Assert.Equal(s[1], flow.Field("tls.ja3s"));
            var cipher = Convert.ToUInt16(s[2], 16);
            Assert.Equal(TlsNames.Cipher(cipher), flow.Field("tls.cipher"));
            Assert.DoesNotContain("unknown", flow.Field("tls.cipher"), StringComparison.Ordinal);
            var version = s[4] != "" ? s[4] : s[3];
            Assert.Equal(version == "0x0304" ? "TLSv13" : "TLSv12", flow.Field("tls.version"));
        }
    }

    [Fact]
    public void ClientHelloSplitOverThreeSegmentsByARelayIsReassembled()
    {
        // Session 1 of the capture: the relay wrote the 269-byte ClientHello in 100-byte pieces.
        var flow = Assert.Single(RenderedRun.Of(OpensslCapture).FlowsOf("tls"), f => f.Field("tls.sni") == "bmc01.example.net");
        Assert.Equal("h2,http/1.1", flow.Field("tls.alpn"));
        Assert.Equal("TLSv13", flow.Field("tls.version"));
        Assert.StartsWith("t13d", flow.Field("tls.ja4"), StringComparison.Ordinal);
        Assert.EndsWith("h2", flow.Field("tls.ja4")![..10], StringComparison.Ordinal);
    }

    [Fact]
    public void ServerRefusingTheVersionWithAnAlertIsRecorded()
    {
        // Session 5: a TLS 1.3-only client, a TLS 1.2-only server.
        var flow = Assert.Single(RenderedRun.Of(OpensslCapture).FlowsOf("tls"), f => f.Field("tls.sni") == "bmc04.example.net");
        Assert.Equal("protocol_version", flow.Field("tls.alert"));
        Assert.Null(flow.Field("tls.version"));
        Assert.Null(flow.Field("tls.ja3s"));
    }

    [Fact]
    public void TlsOnAPortWithNoAnalyzerIsFoundByContent()
    {
        var flow = Assert.Single(RenderedRun.Of(OpensslCapture).FlowsOf("tls"), f => f.RespPort() == 10443);
        Assert.Equal("bmc03.example.net", flow.Field("tls.sni"));
    }

    /// <summary>The example of the JA4 specification (FoxIO technical_details/JA4.md), and its variant without signature algorithms.</summary>
    [Fact]
    public void Ja4SpecificationExampleGivesItsPublishedFingerprint()
    {
        var ciphers = Hex("1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035");
        var extensions = Hex("001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015");
        var algorithms = Hex("0403,0804,0401,0503,0805,0501,0806,0601");
        Assert.Equal("t13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.Compute('t', "13", true, ciphers, extensions, "h2", algorithms));
        Assert.Equal("t13d1516h2_8daaf6152771_6d807ffa2a79", Ja4.Compute('t', "13", true, ciphers, extensions, "h2", []));

        // GREASE anywhere changes nothing.
        ushort[] greasyCiphers = [0x0A0A, .. ciphers];
        ushort[] greasyExtensions = [0x1A1A, .. extensions, 0xFAFA];
        ushort[] greasyAlgorithms = [0x2A2A, .. algorithms];
        Assert.Equal("t13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.Compute('t', "13", true, greasyCiphers, greasyExtensions, "h2", greasyAlgorithms));
    }

    /// <summary>
    /// A Chromium 115 hello (from the JA4 Zeek package's chromium-115 test, whose hashes Suricata's JA4
    /// documentation also shows) built byte by byte and read through the whole pipeline.
    /// </summary>
    [Fact]
    public void ChromiumHelloGivesTheJa4PublishedForIt()
    {
        var hello = ClientHello(0x0303, [0x1301, 0x1302, 0x1303],
        [
            (51, [0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, .. Enumerable.Repeat((byte)7, 32)]),
            (57, [0x01, 0x04, 0x80, 0x00, 0x75, 0x30]),
            Sni("www.google.de"),
            (17513, [0x00, 0x03, 0x02, (byte)'h', (byte)'3']),
            (45, [0x01, 0x01]),
            SignatureAlgorithms(Hex("0403,0804,0401,0503,0805,0501,0806,0601,0201")),
            SupportedVersions(0x0304),
            Groups(0x001d, 0x0017, 0x0018),
            Alpn("h3"),
            (27, [0x02, 0x00, 0x02]),
        ]);
        var flow = RunOne(hello);
        Assert.Equal("t13d0310h3_55b375c5d22e_cd85d2d88918", flow.Field("tls.ja4"));
        Assert.Equal("www.google.de", flow.Field("tls.sni"));
    }

    /// <summary>
    /// A Chrome hello as browserleaks.com reported it (JA3 text and hash, JA4), rebuilt with the GREASE values
    /// Chrome adds (first cipher, first and last extension, first group and version): both fingerprints
    /// must come out as published, so GREASE is ignored exactly where JA3 and JA4 say.
    /// </summary>
    [Fact]
    public void ChromeHelloWithGreaseGivesItsPublishedJa3AndJa4()
    {
        var hello = ClientHello(0x0303,
            [0x0A0A, 4865, 4866, 4867, 49195, 49199, 49196, 49200, 52393, 52392, 49171, 49172, 156, 157, 47, 53],
        [
            Empty(0x1A1A),
            (45, [0x01, 0x01]),
            (51, [0x00, 0x00]),
            Alpn("h2", "http/1.1"),
            (65037, [0x00]),
            Empty(23),
            (17613, [0x00, 0x03, 0x02, (byte)'h', (byte)'2']),
            Sni("tls.browserleaks.com"),
            PointFormats(0),
            Groups(0x3A3A, 4588, 29, 23, 24),
            SupportedVersions(0x4A4A, 0x0304, 0x0303),
            (65281, [0x00]),
            Empty(35),
            Empty(18),
            (5, [0x01, 0x00, 0x00, 0x00, 0x00]),
            SignatureAlgorithms(Hex("0403,0804,0401,0503,0805,0501,0806,0601")),
            (27, [0x02, 0x00, 0x02]),
            (0x5A5A, [0x00]),
        ]);
        var flow = RunOne(hello);
        Assert.Equal("98487aa16281980e7d1120d399efb6a4", flow.Field("tls.ja3"));
        Assert.Equal("t13d1516h2_8daaf6152771_d8a2da3f94cd", flow.Field("tls.ja4"));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'h', (byte)'2' }, "h2")]
    [InlineData(new byte[] { (byte)'h', (byte)'t', (byte)'t', (byte)'p', (byte)'/', (byte)'1', (byte)'.', (byte)'1' }, "h1")]
    [InlineData(new byte[] { (byte)'x' }, "xx")]
    [InlineData(new byte[] { }, "00")]
    [InlineData(new byte[] { 0xAB }, "ab")]
    [InlineData(new byte[] { 0xAB, 0xCD }, "ad")]
    [InlineData(new byte[] { 0x30, 0xAB }, "3b")]
    [InlineData(new byte[] { 0x30, 0x31, 0xAB, 0xCD }, "3d")]
    [InlineData(new byte[] { 0x30, 0xAB, 0xCD, 0x31 }, "01")]
    public void Ja4AlpnCharactersFollowTheSpecificationExamples(byte[] alpn, string expected) =>
        Assert.Equal(expected, Ja4.AlpnCharacters(alpn));

    [Fact]
    public void HelloWithoutSniOrAlpnUsesIAndZeros()
    {
        var flow = RunOne(ClientHello(0x0303, [0x002f, 0x0035], null));
        Assert.Equal("t12i020000_", flow.Field("tls.ja4")![..11]);
        Assert.EndsWith("_000000000000", flow.Field("tls.ja4"), StringComparison.Ordinal);
        Assert.Equal(Md5("771,47-53,,,"), flow.Field("tls.ja3"));
    }

    [Fact]
    public void HelloSpreadOverSeveralRecordsAndOneByteSegmentsIsReassembled()
    {
        var message = ClientHello(0x0303, [0xc02f, 0xc030], [Sni("bmc09.example.net"), Alpn("http/1.1")]);
        var records = Records(message, recordSize: 17);
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 443).Handshake().Client(records, segment: 1)
            .Server(Records(ServerHello(0x0303, 0xc02f, [(65281, [0])])), segment: 7).Close();
        var run = RenderedRun.Of(b);
        var flow = Assert.Single(run.FlowsOf("tls"));
        Assert.Equal("bmc09.example.net", flow.Field("tls.sni"));
        Assert.Equal("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", flow.Field("tls.cipher"));
        Assert.Equal(Md5("771,49199,65281"), flow.Field("tls.ja3s"));
        Assert.Equal(Md5("771,49199-49200,0-16,,"), flow.Field("tls.ja3"));
        Assert.Empty(run.AnomaliesOf("tls"));
    }

    [Fact]
    public void PlainTextOnPort443IsNotTlsAndRaisesNoAnomaly()
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 443).Handshake()
            .Client(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).Server(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\n")).Close();
        var run = RenderedRun.Of(b);
        Assert.Empty(run.FlowsOf("tls"));
        Assert.Empty(run.AnomaliesOf("tls"));
    }

    [Fact]
    public void HelloWithImpossibleLengthsIsAnAnomalyNotAFingerprint()
    {
        var message = ClientHello(0x0303, [0xc02f], [Sni("a.example")]);
        message[4 + 2 + 32] = 200; // session id length beyond 32
        var run = RenderedRun.Of(Conversation(Records(message)));
        Assert.Equal(["TLS_MALFORMED_CLIENT_HELLO"], run.AnomaliesOf("tls"));
        Assert.Empty(run.FlowsOf("tls"));
    }

    [Fact]
    public void AcceptsIsStrict()
    {
        var analyzer = new TlsAnalyzer();
        var hello = Records(ClientHello(0x0303, [0xc02f], null));
        Assert.True(Accepts(analyzer, hello, fromOriginator: true));
        Assert.False(Accepts(analyzer, hello, fromOriginator: false));
        Assert.False(Accepts(analyzer, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"), fromOriginator: true));
        Assert.False(Accepts(analyzer, Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"), fromOriginator: true));
        var wrongVersion = (byte[])hello.Clone();
        wrongVersion[9] = 2;
        Assert.False(Accepts(analyzer, wrongVersion, fromOriginator: true));
        var random = new Random(7);
        var buffer = new byte[64];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(buffer);
            Assert.False(Accepts(analyzer, buffer, fromOriginator: true));
        }
    }

    internal static bool Accepts(TlsAnalyzer analyzer, byte[] payload, bool fromOriginator)
    {
        var packet = AnalyzerPackets.Tcp(payload, fromOriginator, 443);
        return analyzer.Accepts(packet);
    }

    private static PcapBuilder Conversation(byte[] clientBytes, byte[]? serverBytes = null, ushort port = 443)
    {
        var b = new PcapBuilder();
        var c = new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", port).Handshake().Client(clientBytes);
        if (serverBytes is not null)
        {
            c.Server(serverBytes);
        }

        c.Close();
        return b;
    }

    private static System.Text.Json.JsonElement RunOne(byte[] clientHello) =>
        Assert.Single(RenderedRun.Of(Conversation(Records(clientHello))).FlowsOf("tls"));

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "JA3 is defined as MD5.")]
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(text)));

    /// <summary>JA4 by the recipe of technical_details/JA4.md, from tshark's dissection of the same hello.</summary>
    private static string Ja4FromTshark(bool sni, string alpn, string ciphers, string extensions, string algorithms, string versions)
    {
        static bool Grease(int v) => (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
        static List<int> ParseHex(string s) => s == "" ? [] : [.. s.Split(',').Select(x => Convert.ToInt32(x, 16)).Where(v => !Grease(v))];
        var c = ParseHex(ciphers);
        var e = extensions.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).Where(v => !Grease(v)).ToList();
        var a = ParseHex(algorithms);
        var v = ParseHex(versions).Max();
        var version = v switch { 0x0304 => "13", 0x0303 => "12", _ => "00" };
        var first = alpn.Split(',')[0];
        var alpnChars = first == "" ? "00" : $"{first[0]}{first[^1]}";
        var head = $"t{version}{(sni ? 'd' : 'i')}{c.Count:00}{e.Count:00}{alpnChars}";
        var cipherText = string.Join(',', c.Order().Select(x => x.ToString("x4", CultureInfo.InvariantCulture)));
        var extText = string.Join(',', e.Where(x => x is not (0 or 16)).Order().Select(x => x.ToString("x4", CultureInfo.InvariantCulture)));
        if (a.Count > 0)
        {
            extText += "_" + string.Join(',', a.Select(x => x.ToString("x4", CultureInfo.InvariantCulture)));
        }

        static string H(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(s)))[..12];
        return $"{head}_{H(cipherText)}_{H(extText)}";
    }
}

public class TlsAnalyzerPropertyTests
{
    private static readonly byte[][] ClientSeeds =
    [
        TlsBytes.Records(TlsBytes.ClientHello(0x0303, [0x0A0A, 0x1301, 0xc02f],
            [TlsBytes.Sni("bmc.example"), TlsBytes.Alpn("h2"), TlsBytes.Groups(29, 23), TlsBytes.PointFormats(0),
             TlsBytes.SignatureAlgorithms(0x0403), TlsBytes.SupportedVersions(0x0304, 0x0303)])),
        TlsBytes.Records(TlsBytes.ClientHello(0x0301, [0x002f], null), recordSize: 9),
    ];

    private static readonly byte[] ServerSeed = TlsBytes.Records(TlsBytes.ServerHello(0x0303, 0x1301, [TlsBytes.SupportedVersions(0x0304)]));

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void MutatedAndSegmentedHandshakesNeverThrow(bool second, int mutation, int position, byte value, byte[] noise, byte[] cuts, bool unknownPort, bool serverFirst)
    {
        noise ??= [];
        cuts ??= [];
        var client = StreamFuzz.Mutate(ClientSeeds[second ? 1 : 0], mutation, position, value, noise);
        var server = StreamFuzz.Mutate(ServerSeed, mutation >> 3, position >> 3, value, noise);
        StreamFuzz.Run(client, server, unknownPort ? (ushort)10443 : (ushort)443, cuts, serverFirst);
    }
}
