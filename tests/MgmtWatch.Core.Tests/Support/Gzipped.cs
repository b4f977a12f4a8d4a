using System.IO.Compression;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Gzip copies of test captures, intact or damaged.</summary>
public static class Gzipped
{
    /// <summary>The bytes gzip-compressed (fastest level: the tests need the format, not the ratio).</summary>
    public static byte[] Compress(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(bytes);
        }

        return output.ToArray();
    }

    /// <summary>A copy of gzip data with 64 bytes of its middle inverted: inflating fails partway, after intact bytes.</summary>
    public static byte[] DamagedInTheMiddle(byte[] gz)
    {
        var damaged = (byte[])gz.Clone();
        for (var i = damaged.Length / 2; i < (damaged.Length / 2) + 64; i++)
        {
            damaged[i] ^= 0xFF;
        }

        return damaged;
    }
}
