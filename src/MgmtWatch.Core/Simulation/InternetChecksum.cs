using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>The Internet checksum (RFC 1071): ones' complement sum of 16-bit big-endian words.</summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running sum (an odd final byte is padded with zero).</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        // Adding 32-bit words into a 64-bit accumulator and folding at the end gives the same ones'
        // complement sum as adding 16-bit words (RFC 1071 §2(B), "byte order independence" and
        // "parallel summation"), four times fewer additions.
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            var v = BinaryPrimitives.ReadUInt64BigEndian(data[i..]);
            sum += (v >> 32) + (v & 0xFFFF_FFFF);
        }

        for (; i + 2 <= data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    /// <summary>Folds a running sum to 16 bits and complements it: the value to store.</summary>
    public static ushort Finish(ulong sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
