using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MgmtWatch.Core.Analyzers.Ssh;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Ssh;

/// <summary>
/// The server host key's fingerprint (ssh.host_key_fingerprint). Expected values are rebuilt from tshark's
/// dissection of the reply (key type and the key's own fields, RFC 4253 §6.6 and RFC 8709), hashed the way
/// ssh-keygen -l does, independently of the analyzer's reading of the blob.
/// </summary>
public class SshHostKeyTests
{
    public static TheoryData<string, bool, string[]> Captures => new()
    {
        { Path.Combine(RepoPaths.Pcaps, "ssh-openssh.pcap"), false, ["-d", "tcp.port==2200,ssh"] },
        { Path.Combine("ssh", "zeek-ssh-single-conn.pcap"), true, [] },
        { Path.Combine("ssh", "ndpi-ssh.pcap"), true, ["-d", "tcp.port==8000,ssh"] }, // one group exchange (GEX_GROUP before the reply), one on port 8000
    };

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void HostKeysInRealKeyExchangesMatchTshark(string capture, bool shared, string[] decode)
    {
        if (shared)
        {
            RepoPaths.SkipUnlessShared();
            capture = Path.Combine(RepoPaths.SharedPcaps, capture);
        }

        Tshark.SkipUnlessInstalled();
        var replies = Tshark.Fields(capture, "ssh.host_key.type",
            ["tcp.srcport", "tcp.dstport", "ssh.host_key.type", "ssh.host_key.rsa.e", "ssh.host_key.rsa.n", "ssh.host_key.eddsa.key", "ssh.host_key.ecdsa.id", "ssh.host_key.ecdsa.q"], decode);
        Assert.NotEmpty(replies);
        var run = RenderedRun.Of(capture);
        Assert.Empty(run.AnomaliesOf("ssh"));
        var flows = run.FlowsOf("ssh");
        foreach (var r in replies)
        {
            var flow = Assert.Single(flows, f => f.OrigPort().ToString(CultureInfo.InvariantCulture) == r[1] && f.RespPort().ToString(CultureInfo.InvariantCulture) == r[0]);
            byte[] blob = r[2] switch
            {
                "ssh-rsa" => [.. Str(r[2]), .. Str(Hex(r[3])), .. Str(Hex(r[4]))],
                "ssh-ed25519" => [.. Str(r[2]), .. Str(Hex(r[5]))],
                _ => [.. Str(r[2]), .. Str(r[6]), .. Str(Hex(r[7]))],
            };
            Assert.Equal("SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('='), flow.Field("ssh.host_key_fingerprint"));
        }

        Assert.Equal(replies.Count, flows.Count(f => f.Field("ssh.host_key_fingerprint") is not null));
    }

    /// <summary>A group exchange's GEX_GROUP has the reply's message number but opens with a prime, not a key.</summary>
    [Fact]
    public void AGroupExchangeGroupIsNotTakenForAHostKey()
    {
        var prime = new byte[257];
        prime[1] = 0xFF;
        prime[^1] = 0x73;
        Assert.False(SshHostKey.TryFingerprint([.. Str(prime), .. Str([2])], out _));
        Assert.True(SshHostKey.TryFingerprint(EcdhReply(HostKeyBlob(1)).AsSpan(1), out var fingerprint));
        Assert.StartsWith("SHA256:", fingerprint, StringComparison.Ordinal);
        Assert.Equal(50, fingerprint.Length);
    }

    [Fact]
    public void DamagedRepliesNeverThrow()
    {
        var reply = EcdhReply(HostKeyBlob(1));
        var random = new Random(5);
        for (var i = 0; i < 20_000; i++)
        {
            var damaged = (byte[])reply.Clone();
            damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            SshHostKey.TryFingerprint(damaged.AsSpan(1, random.Next(damaged.Length)), out _);
        }
    }

    /// <summary>A capture that stops after the server's KEXINIT, or whose next bytes are already encrypted, gives no fingerprint and no anomaly.</summary>
    [Fact]
    public void NoReplyMeansNoFingerprintAndNoAnomaly()
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 22).Handshake()
            .Server(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n")).Client(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"))
            .Server(SshAnalyzerTests.KexInit("curve25519-sha256", "aes128-ctr")).Client(SshAnalyzerTests.KexInit("curve25519-sha256", "aes128-ctr"))
            .Server([.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37))]).Close();
        var run = RenderedRun.Of(b);
        Assert.Empty(run.AnomaliesOf("ssh"));
        var flow = Assert.Single(run.FlowsOf("ssh"));
        Assert.Null(flow.Field("ssh.host_key_fingerprint"));
        Assert.Equal("curve25519-sha256", flow.Field("ssh.kex_alg"));
    }

    /// <summary>A group exchange's group, then a reply cut into 20-byte segments: the key is still found.</summary>
    [Fact]
    public void AReplyAfterAGroupAndSplitOverManySegmentsIsRead()
    {
        var prime = new byte[257];
        prime[1] = 0xFF;
        byte[] group = [31, .. Str(prime), .. Str([2])];
        var blob = HostKeyBlob(9);
        byte[] reply = [33, .. Str(blob), .. Str(new byte[257]), .. Str([.. Str("ssh-ed25519"), .. Str(new byte[64])])];
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 22).Handshake()
            .Server(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n")).Client(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"))
            .Server(SshAnalyzerTests.KexInit("diffie-hellman-group-exchange-sha256", "aes128-ctr"))
            .Client(SshAnalyzerTests.KexInit("diffie-hellman-group-exchange-sha256", "aes128-ctr"))
            .Server(Packet(group)).Server([.. Packet(reply), .. Packet([21])], segment: 20).Close();
        var flow = Assert.Single(RenderedRun.Of(b).FlowsOf("ssh"));
        Assert.Equal("SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('='), flow.Field("ssh.host_key_fingerprint"));
    }

    /// <summary>An ssh-ed25519 key blob whose key bytes all equal <paramref name="seed"/>.</summary>
    internal static byte[] HostKeyBlob(byte seed) => [.. Str("ssh-ed25519"), .. Str([.. Enumerable.Repeat(seed, 32)])];

    /// <summary>SSH_MSG_KEX_ECDH_REPLY (RFC 5656 §4): K_S, the server's ephemeral key, the signature.</summary>
    internal static byte[] EcdhReply(byte[] hostKeyBlob) =>
        [31, .. Str(hostKeyBlob), .. Str(new byte[32]), .. Str([.. Str("ssh-ed25519"), .. Str(new byte[64])])];

    /// <summary>A message in an SSH binary packet (RFC 4253 §6), unencrypted: the key exchange's framing.</summary>
    internal static byte[] Packet(byte[] payload)
    {
        var padding = 8 - ((payload.Length + 5) % 8) + 4;
        var length = payload.Length + padding + 1;
        return [(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, (byte)padding, .. payload, .. new byte[padding]];
    }

    private static byte[] Str(string text) => Str(Encoding.ASCII.GetBytes(text));

    private static byte[] Str(byte[] data) => [(byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length, .. data];

    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(":", "", StringComparison.Ordinal));
}
