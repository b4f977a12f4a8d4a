namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// Hostile TCP streams for property tests: a valid exchange mutated (flipped byte, cut, absurd 0xFFFF
/// length, inserted or substituted noise) and cut into arbitrary segments, run through the real pipeline.
/// An analyzer passes when nothing throws.
/// </summary>
public static class StreamFuzz
{
    public static byte[] Mutate(byte[] seed, int mutation, int position, byte value, byte[] noise)
    {
        if (seed.Length == 0)
        {
            return noise;
        }

        var at = (int)((uint)position % (uint)seed.Length);
        switch ((uint)mutation % 7)
        {
            case 0:
                {
                    var copy = (byte[])seed.Clone();
                    copy[at] ^= value == 0 ? (byte)0x80 : value;
                    return copy;
                }

            case 1:
                return seed[..at];
            case 2:
                {
                    var copy = (byte[])seed.Clone();
                    copy[at] = 0xFF;
                    if (at + 1 < copy.Length)
                    {
                        copy[at + 1] = 0xFF;
                    }

                    return copy;
                }

            case 3:
                return [.. seed[..at], .. noise, .. seed[at..]];
            case 4:
                return noise;
            case 5:
                {
                    var copy = (byte[])seed.Clone();
                    for (var i = 0; i < noise.Length && at + i < copy.Length; i++)
                    {
                        copy[at + i] = noise[i];
                    }

                    return copy;
                }

            default:
                return seed;
        }
    }

    /// <summary>Segment sizes (1–255 bytes, or whole when none are given) from arbitrary bytes.</summary>
    public static int[] Cuts(byte[] cuts) => cuts.Length == 0 ? [int.MaxValue] : [.. cuts.Select(c => Math.Max(1, (int)c))];

    /// <summary>Runs client and server bytes, interleaved segment by segment, to <paramref name="port"/> through the pipeline.</summary>
    public static void Run(byte[] client, byte[] server, ushort port, byte[] cuts, bool serverFirst = false)
    {
        var b = new PcapBuilder();
        var c = new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", port).Handshake();
        var sizes = Cuts(cuts);
        int ci = 0, si = 0, k = 0;
        var turn = serverFirst;
        while (ci < client.Length || si < server.Length)
        {
            var n = sizes[k++ % sizes.Length];
            if ((turn && si < server.Length) || ci >= client.Length)
            {
                var m = Math.Min(n, server.Length - si);
                c.Server(server[si..(si + m)], int.MaxValue);
                si += m;
            }
            else
            {
                var m = Math.Min(n, client.Length - ci);
                c.Client(client[ci..(ci + m)], int.MaxValue);
                ci += m;
            }

            turn = !turn;
        }

        c.Close();
        Analyze.Capture(b);
    }
}
