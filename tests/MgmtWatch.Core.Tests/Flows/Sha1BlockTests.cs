using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using FsCheck.Xunit;
using MgmtWatch.Core.Flows;

namespace MgmtWatch.Core.Tests.Flows;

[SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "The oracle for a SHA-1 implementation is SHA-1.")]
public class Sha1BlockTests
{
    [Property(MaxTest = 500)]
    public bool DigestEqualsThePlatformsSha1(byte[] message)
    {
        var input = message.AsSpan(0, Math.Min(message.Length, Sha1Block.MaxMessageLength));
        Span<byte> ours = stackalloc byte[20];
        Sha1Block.Hash(input, ours);
        return ours.SequenceEqual(SHA1.HashData(input));
    }

    [Fact]
    public void EveryLengthUpToOneBlockMatches()
    {
        // Lengths 55 and 56 straddle the padding boundary; only up to 55 fits one block.
        var random = new Random(3);
        Span<byte> digest = stackalloc byte[20];
        for (var length = 0; length <= Sha1Block.MaxMessageLength; length++)
        {
            var message = new byte[length];
            random.NextBytes(message);
            Sha1Block.Hash(message, digest);
            Assert.Equal(Convert.ToHexString(SHA1.HashData(message)), Convert.ToHexString(digest));
        }
    }

    [Fact]
    public void FipsExampleAbc() =>
        Assert.Equal("A9993E364706816ABA3E25717850C26C9CD0D89D", Convert.ToHexString(Hash("abc"u8)));

    [Fact]
    public void LongerMessagesAreRefused() =>
        Assert.Throws<ArgumentException>(() => Sha1Block.Hash(new byte[Sha1Block.MaxMessageLength + 1], new byte[20]));

    private static byte[] Hash(ReadOnlySpan<byte> message)
    {
        var digest = new byte[20];
        Sha1Block.Hash(message, digest);
        return digest;
    }
}
