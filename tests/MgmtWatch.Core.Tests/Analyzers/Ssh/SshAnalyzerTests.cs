using System.Globalization;
using System.Text;
using MgmtWatch.Core.Analyzers.Ssh;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Ssh;

public class SshAnalyzerTests
{
    /// <summary>
    /// Both public SSH captures: client and server software and HASSH/HASSHServer equal tshark's ssh.protocol
    /// and ssh.kex.hassh(server) for every session (the nDPI one also has SSH on TCP 8000, found by content).
    /// </summary>
    [SkippableTheory]
    [InlineData("zeek-ssh-single-conn.pcap", 1)]
    [InlineData("ndpi-ssh.pcap", 2)]
    public void PublicSessionsMatchTsharkSoftwareAndHassh(string file, int sessions)
    {
        RepoPaths.SkipUnlessShared();
        Tshark.SkipUnlessInstalled();
        var path = Path.Combine(RepoPaths.SharedPcaps, "ssh", file);
        var decode = new[] { "-d", "tcp.port==8000,ssh" };
        var banners = Tshark.Fields(path, "ssh.protocol", ["tcp.srcport", "tcp.dstport", "ssh.protocol"], decode);
        var hassh = Tshark.Fields(path, "ssh.kex.hassh", ["tcp.srcport", "ssh.kex.hassh"], decode);
        var hasshServer = Tshark.Fields(path, "ssh.kex.hasshserver", ["tcp.dstport", "ssh.kex.hasshserver"], decode);

        var flows = RenderedRun.Of(path).FlowsOf("ssh");
        Assert.Equal(sessions, flows.Count);
        foreach (var flow in flows)
        {
            var client = flow.OrigPort().ToString(CultureInfo.InvariantCulture);
            var server = flow.RespPort().ToString(CultureInfo.InvariantCulture);
            Assert.Equal(Banner(banners, client, server), "SSH-2.0-" + flow.Field("ssh.client"));
            Assert.EndsWith(flow.Field("ssh.server")!, Banner(banners, server, client), StringComparison.Ordinal);
            Assert.Equal(Assert.Single(hassh, r => r[0] == client)[1], flow.Field("ssh.hassh"));
            Assert.Equal(Assert.Single(hasshServer, r => r[0] == client)[1], flow.Field("ssh.hassh_server"));
            Assert.Equal("2", flow.Field("ssh.version"));
        }
    }

    /// <summary>
    /// OpenSSH 9.2 client and server (pcaps/ssh-openssh.pcap, on 22 and on OpenBMC's 2200): software and
    /// HASSH as tshark reads them, and the algorithms the client's restrictions leave for the second session.
    /// </summary>
    [SkippableFact]
    public void OpenSsh92SessionsMatchTsharkAndNegotiateWhatTheClientAllowed()
    {
        Tshark.SkipUnlessInstalled();
        var path = Path.Combine(RepoPaths.Pcaps, "ssh-openssh.pcap");
        var decode = new[] { "-d", "tcp.port==2200,ssh" };
        var hassh = Tshark.Fields(path, "ssh.kex.hassh", ["tcp.srcport", "ssh.kex.hassh"], decode);
        var hasshServer = Tshark.Fields(path, "ssh.kex.hasshserver", ["tcp.dstport", "ssh.kex.hasshserver"], decode);
        var banners = Tshark.Fields(path, "ssh.protocol", ["tcp.srcport", "tcp.dstport", "ssh.protocol"], decode);
        var flows = RenderedRun.Of(path).FlowsOf("ssh");
        Assert.Equal([22, 2200], flows.Select(f => (int)f.RespPort()).Order());
        foreach (var flow in flows)
        {
            var client = flow.OrigPort().ToString(CultureInfo.InvariantCulture);
            var server = flow.RespPort().ToString(CultureInfo.InvariantCulture);
            Assert.Equal(Banner(banners, client, server), "SSH-2.0-" + flow.Field("ssh.client"));
            Assert.Equal(Banner(banners, server, client), "SSH-2.0-" + flow.Field("ssh.server"));
            Assert.Equal(Assert.Single(hassh, r => r[0] == client)[1], flow.Field("ssh.hassh"));
            Assert.Equal(Assert.Single(hasshServer, r => r[0] == client)[1], flow.Field("ssh.hassh_server"));
            Assert.Equal("sntrup761x25519-sha512", flow.Field("ssh.kex_alg")); // first on both lists (tshark: ssh.kex_algorithms)
            Assert.Equal("ssh-ed25519", flow.Field("ssh.host_key_alg"));
        }

        var restricted = Assert.Single(flows, f => f.RespPort() == 2200);
        Assert.Equal("aes128-ctr", restricted.Field("ssh.cipher_alg"));
        Assert.Equal("hmac-sha2-256", restricted.Field("ssh.mac_alg"));
        Assert.Equal("chacha20-poly1305@openssh.com", Assert.Single(flows, f => f.RespPort() == 22).Field("ssh.cipher_alg"));
    }

    [SkippableFact]
    public void OldOpenSshSessionNegotiatesTheClientsFirstCommonAlgorithms()
    {
        // The two KEXINITs as tshark shows them (ssh.kex_algorithms, …): both sides list
        // diffie-hellman-group-exchange-sha1, ssh-rsa, aes128-cbc and hmac-md5 first.
        RepoPaths.SkipUnlessShared();
        var flow = Assert.Single(RenderedRun.Of(Path.Combine(RepoPaths.SharedPcaps, "ssh", "zeek-ssh-single-conn.pcap")).FlowsOf("ssh"));
        Assert.Equal("OpenSSH_3.8.1p1", flow.Field("ssh.client"));
        Assert.Equal("OpenSSH_3.9p1", flow.Field("ssh.server"));
        Assert.Equal("diffie-hellman-group-exchange-sha1", flow.Field("ssh.kex_alg"));
        Assert.Equal("ssh-rsa", flow.Field("ssh.host_key_alg"));
        Assert.Equal("aes128-cbc", flow.Field("ssh.cipher_alg"));
        Assert.Equal("hmac-md5", flow.Field("ssh.mac_alg"));
        Assert.Equal("none", flow.Field("ssh.compression_alg"));
    }

    [Fact]
    public void BannersSplitOverSegmentsAfterPreBannerLinesAreRead()
    {
        var server = Encoding.ASCII.GetBytes("Welcome to the BMC\r\nAuthorized use only\r\nSSH-2.0-dropbear_2022.83\r\n");
        var client = Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 22).Handshake().Server(server, segment: 5).Client(client, segment: 3)
            .Server(KexInit("curve25519-sha256,diffie-hellman-group14-sha256", "aes128-ctr,aes256-ctr"))
            .Client(KexInit("sntrup761x25519-sha512@openssh.com,curve25519-sha256", "chacha20-poly1305@openssh.com,aes256-ctr")).Close();
        var run = RenderedRun.Of(b);
        var flow = Assert.Single(run.FlowsOf("ssh"));
        Assert.Equal("dropbear_2022.83", flow.Field("ssh.server"));
        Assert.Equal("OpenSSH_9.2p1 Debian-2+deb12u3", flow.Field("ssh.client"));
        Assert.Equal("curve25519-sha256", flow.Field("ssh.kex_alg"));
        Assert.Equal("aes256-ctr", flow.Field("ssh.cipher_alg"));
        Assert.Empty(run.AnomaliesOf("ssh"));
    }

    [Fact]
    public void Ssh1IsVersionOneAndHasNoKexInit()
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 22).Handshake()
            .Server(Encoding.ASCII.GetBytes("SSH-1.5-RomSShell_4.62\n")).Client(Encoding.ASCII.GetBytes("SSH-1.5-scanner\n")).Close();
        var flow = Assert.Single(RenderedRun.Of(b).FlowsOf("ssh"));
        Assert.Equal("1", flow.Field("ssh.version"));
        Assert.Equal("RomSShell_4.62", flow.Field("ssh.server"));
        Assert.Null(flow.Field("ssh.hassh"));
    }

    [Fact]
    public void HostileBannerIsEscapedAndCapped()
    {
        var banner = Encoding.Latin1.GetBytes("SSH-2.0-Evil\u001b[2J\\x" + new string('A', 400) + "\r\n");
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 22).Handshake().Server(banner).Close();
        var run = RenderedRun.Of(b);
        var server = Assert.Single(run.FlowsOf("ssh")).Field("ssh.server")!;
        Assert.StartsWith("Evil\\x1b[2J\\x5cx", server, StringComparison.Ordinal);
        Assert.EndsWith("\u2026", server, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", run.AllOutput, StringComparison.Ordinal);
        Assert.Equal(["SSH_BANNER_TOO_LONG"], run.AnomaliesOf("ssh"));
    }

    [Fact]
    public void EncryptedBytesOfASessionCapturedMidwayAreNotSshAndRaiseNothing()
    {
        var random = new Random(3);
        var junk = new byte[3000];
        random.NextBytes(junk);
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 22).Handshake().Client(junk).Server(junk).Close();
        var run = RenderedRun.Of(b);
        Assert.Empty(run.FlowsOf("ssh"));
        Assert.Empty(run.AnomaliesOf("ssh"));
    }

    [Fact]
    public void BrokenIdentificationIsAnAnomaly()
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 22).Handshake().Server(Encoding.ASCII.GetBytes("SSH-x.y-what\r\n")).Close();
        Assert.Equal(["SSH_BAD_IDENTIFICATION"], RenderedRun.Of(b).AnomaliesOf("ssh"));
    }

    [Fact]
    public void AcceptsIsStrict()
    {
        var analyzer = new SshAnalyzer();
        Assert.True(analyzer.Accepts(AnalyzerPackets.Tcp(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"), false, 2222)));
        Assert.True(analyzer.Accepts(AnalyzerPackets.Tcp(Encoding.ASCII.GetBytes("SSH-1.99-Cisco-1.25\r\n"), false, 2222)));
        Assert.False(analyzer.Accepts(AnalyzerPackets.Tcp(Encoding.ASCII.GetBytes("SSH-2.0-\r\n"), false, 2222)));
        Assert.False(analyzer.Accepts(AnalyzerPackets.Tcp(Encoding.ASCII.GetBytes("SSH is great\r\n"), false, 2222)));
        Assert.False(analyzer.Accepts(AnalyzerPackets.Tcp(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n"), true, 2222)));
    }

    [Theory]
    [InlineData("a,b,c", "c,b", "b")]
    [InlineData("x,y", "z", null)]
    [InlineData("none", "none,zlib@openssh.com", "none")]
    public void NegotiationTakesTheClientsFirstChoiceTheServerHas(string client, string server, string? expected) =>
        Assert.Equal(expected, SshKexInit.Negotiate(client, server));

    internal static byte[] KexInit(string kex, string ciphers)
    {
        static byte[] NameList(string s) => [.. BitConverter.GetBytes(s.Length).Reverse(), .. Encoding.ASCII.GetBytes(s)];
        var payload = new List<byte> { 20 };
        payload.AddRange(new byte[16]);
        payload.AddRange(NameList(kex));
        payload.AddRange(NameList("ssh-ed25519,rsa-sha2-512"));
        payload.AddRange(NameList(ciphers));
        payload.AddRange(NameList(ciphers));
        payload.AddRange(NameList("hmac-sha2-256"));
        payload.AddRange(NameList("hmac-sha2-256"));
        payload.AddRange(NameList("none"));
        payload.AddRange(NameList("none"));
        payload.AddRange(NameList(""));
        payload.AddRange(NameList(""));
        payload.Add(0);
        payload.AddRange(new byte[4]);
        var padding = 8 - ((payload.Count + 5) % 8) + 4;
        var length = payload.Count + padding + 1;
        return [.. BitConverter.GetBytes(length).Reverse(), (byte)padding, .. payload, .. new byte[padding]];
    }

    private static string Banner(IReadOnlyList<string[]> rows, string source, string destination) =>
        Assert.Single(rows, r => r[0] == source && r[1] == destination)[2];
}

public class SshAnalyzerPropertyTests
{
    private static readonly byte[] ClientSeed =
        [.. Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"), .. SshAnalyzerTests.KexInit("curve25519-sha256", "aes128-ctr")];

    private static readonly byte[] ServerSeed =
        [.. Encoding.ASCII.GetBytes("Hello\r\nSSH-2.0-dropbear\r\n"), .. SshAnalyzerTests.KexInit("curve25519-sha256,x", "aes256-ctr")];

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void MutatedAndSegmentedHandshakesNeverThrow(int mutation, int position, byte value, byte[] noise, byte[] cuts, bool unknownPort, bool serverFirst)
    {
        noise ??= [];
        cuts ??= [];
        var client = StreamFuzz.Mutate(ClientSeed, mutation, position, value, noise);
        var server = StreamFuzz.Mutate(ServerSeed, mutation >> 3, position >> 3, value, noise);
        StreamFuzz.Run(client, server, unknownPort ? (ushort)2222 : (ushort)22, cuts, serverFirst);
    }
}
