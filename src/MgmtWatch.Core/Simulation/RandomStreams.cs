namespace MgmtWatch.Core.Simulation;

/// <summary>
/// One independent <see cref="Random"/> per named behaviour ("ipmi/poller2/bmc17"), derived from the
/// run's seed and the name only. Adding a behaviour (an attack) therefore never changes the numbers
/// another behaviour draws: the baseline of a site is the same with or without attacks.
/// </summary>
internal static class RandomStreams
{
    public static Random Create(int seed, string name)
    {
        // FNV-1a over the name, then splitmix64's finaliser with the seed folded in: stable across runs,
        // platforms and .NET versions (string.GetHashCode is randomised per process, so it cannot be used).
        var h = 14_695_981_039_346_656_037UL;
        foreach (var c in name)
        {
            h ^= c;
            h *= 1_099_511_628_211UL;
        }

        h ^= (ulong)(uint)seed * 0x9E37_79B9_7F4A_7C15UL;
        h = (h ^ (h >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D0_49BB_1331_11EBUL;
        h ^= h >> 31;

        // Random(int) uses the seeded legacy algorithm, whose sequence is fixed for a given seed.
        return new Random((int)(h & int.MaxValue));
    }
}
