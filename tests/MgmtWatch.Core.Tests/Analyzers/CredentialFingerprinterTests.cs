using System.Security.Cryptography;
using System.Text;
using MgmtWatch.Core.Analyzers;

namespace MgmtWatch.Core.Tests.Analyzers;

public class CredentialFingerprinterTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

    private static string Reference(string secret)
    {
        var mac = HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(secret));
        return "hmac:" + Convert.ToHexStringLower(mac[..8]);
    }

    [Fact]
    public void FingerprintIsTheTruncatedHmacUnderTheKeyAndNeverTheSecret()
    {
        var f = new CredentialFingerprinter(Key);
        var fp = f.Fingerprint("public"u8);
        Assert.Equal(Reference("public"), fp);
        Assert.DoesNotContain("public", fp, StringComparison.Ordinal);
        Assert.NotEqual(fp, new CredentialFingerprinter([.. Key.Reverse()]).Fingerprint("public"u8));
    }

    [Fact]
    public void RepeatedSecretsAreAnsweredFromRecentOnesWithTheSameFingerprint()
    {
        // Far more distinct secrets than the recent slots, of every length up to past the longest kept,
        // each asked for twice and then again after all the others: every answer must be the HMAC of that
        // very secret (a slot that answered for another secret sharing it, or a prefix, would fail here).
        var f = new CredentialFingerprinter(Key);
        var secrets = Enumerable.Range(0, 500).Select(i => new string((char)('a' + (i % 26)), 1 + (i % 70)) + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        secrets.Add("p");
        secrets.Add("pu");
        foreach (var secret in secrets)
        {
            Assert.Equal(Reference(secret), f.Fingerprint(Encoding.ASCII.GetBytes(secret)));
            Assert.Equal(Reference(secret), f.Fingerprint(Encoding.ASCII.GetBytes(secret)));
        }

        foreach (var secret in secrets)
        {
            Assert.Equal(Reference(secret), f.Fingerprint(Encoding.ASCII.GetBytes(secret)));
        }

        Assert.Equal(Reference(""), f.Fingerprint([]));
    }

    [Fact]
    public void ConcurrentCallersAlwaysGetTheirOwnSecretsFingerprint()
    {
        var f = new CredentialFingerprinter(Key);
        var secrets = Enumerable.Range(0, 200).Select(i => "community" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var expected = secrets.Select(Reference).ToArray();
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var k = (i * 7919) % secrets.Length;
            Assert.Equal(expected[k], f.Fingerprint(Encoding.ASCII.GetBytes(secrets[k])));
        });
    }
}
