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
}
