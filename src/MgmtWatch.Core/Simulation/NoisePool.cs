namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A fixed block of pseudo-random bytes standing in for ciphertext and compressed data. Slices of it are
/// as random-looking as fresh bytes to every analyser, and reading them costs a copy instead of a draw per
/// byte; the block is derived from a constant seed, so output stays deterministic.
/// </summary>
internal static class NoisePool
{
    /// <summary>64 KiB plus a frame: any slice of up to a frame's length starts anywhere in the first 64 KiB.</summary>
    private const int Size = 65_536;

    private static readonly byte[] Bytes = Create();

    public static void Fill(Span<byte> destination, long position)
    {
        var start = (int)((ulong)(position * 2_654_435_761L) % Size);
        var done = 0;
        while (done < destination.Length)
        {
            var n = Math.Min(destination.Length - done, Bytes.Length - start);
            Bytes.AsSpan(start, n).CopyTo(destination[done..]);
            done += n;
            start = 0;
        }
    }

    private static byte[] Create()
    {
        var b = new byte[Size + Wire.MaxFrame];
        new Random(0x5EED).NextBytes(b);
        return b;
    }
}
