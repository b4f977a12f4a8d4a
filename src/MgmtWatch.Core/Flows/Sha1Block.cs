using System.Buffers.Binary;
using System.Numerics;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// SHA-1 (FIPS 180-4 §6.1) of a message short enough to fit one 64-byte block with its padding (at most 55
/// bytes), as a Community ID input always is. The platform's SHA-1 goes through OpenSSL for every call, and
/// that round trip cost several times the hash itself: under a flood of one-packet flows it was a third of
/// all the work. Checked against <see cref="System.Security.Cryptography.SHA1"/> by the tests.
/// </summary>
internal static class Sha1Block
{
    /// <summary>Longest message that fits one block: 64 bytes less the 0x80 marker and the 8-byte bit length.</summary>
    public const int MaxMessageLength = 55;

    /// <summary>Writes the 20-byte digest of <paramref name="message"/> to <paramref name="digest"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> message, Span<byte> digest)
    {
        if (message.Length > MaxMessageLength)
        {
            throw new ArgumentException($"at most {MaxMessageLength} bytes", nameof(message));
        }

        // Padding (§5.1.1): the message, a 1 bit, zeros, and the message length in bits, big-endian.
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        message.CopyTo(block);
        block[message.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)message.Length * 8);

        Span<uint> w = stackalloc uint[80];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        }

        for (var t = 16; t < 80; t++)
        {
            w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        }

        // Initial hash value (§5.3.1) and the 80 rounds (§6.1.2).
        uint h0 = 0x67452301, h1 = 0xEFCDAB89, h2 = 0x98BADCFE, h3 = 0x10325476, h4 = 0xC3D2E1F0;
        uint a = h0, b = h1, c = h2, d = h3, e = h4;
        for (var t = 0; t < 80; t++)
        {
            uint f, k;
            if (t < 20)
            {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            }
            else if (t < 40)
            {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            }
            else if (t < 60)
            {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            }
            else
            {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }

            var temp = BitOperations.RotateLeft(a, 5) + f + e + k + w[t];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        BinaryPrimitives.WriteUInt32BigEndian(digest, h0 + a);
        BinaryPrimitives.WriteUInt32BigEndian(digest[4..], h1 + b);
        BinaryPrimitives.WriteUInt32BigEndian(digest[8..], h2 + c);
        BinaryPrimitives.WriteUInt32BigEndian(digest[12..], h3 + d);
        BinaryPrimitives.WriteUInt32BigEndian(digest[16..], h4 + e);
    }
}
