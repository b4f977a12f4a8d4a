namespace MgmtWatch.Core.Simulation;

/// <summary>Draws the simulator needs, all from a caller-owned stream (never a shared or unseeded one).</summary>
internal static class RandomExtensions
{
    /// <summary>A uniform value in [min, max).</summary>
    public static double Uniform(this Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    /// <summary>A uniform duration in [min, max) microseconds.</summary>
    public static long Micros(this Random random, long min, long max) => max <= min ? min : random.NextInt64(min, max);

    /// <summary>A duration drawn uniformly between two values in seconds.</summary>
    public static long Seconds(this Random random, double min, double max) => SimTime.FromSeconds(random.Uniform(min, max));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public static bool Chance(this Random random, double p) => random.NextDouble() < p;

    /// <summary>An exponentially distributed value with the given mean (Poisson process gaps).</summary>
    public static double Exponential(this Random random, double mean) => -mean * Math.Log(1.0 - random.NextDouble());

    /// <summary>A normally distributed value (Box–Muller).</summary>
    public static double Normal(this Random random, double mean, double deviation)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + (deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>A log-normally distributed positive value with the given median.</summary>
    public static double LogNormal(this Random random, double median, double sigma) => median * Math.Exp(random.Normal(0, sigma));

    /// <summary>One element, uniformly.</summary>
    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>One element by weight.</summary>
    public static T PickWeighted<T>(this Random random, IReadOnlyList<(T Item, double Weight)> items)
    {
        var total = 0.0;
        foreach (var (_, w) in items)
        {
            total += w;
        }

        var x = random.NextDouble() * total;
        foreach (var (item, w) in items)
        {
            x -= w;
            if (x < 0)
            {
                return item;
            }
        }

        return items[^1].Item;
    }

    /// <summary>A random alphanumeric string in upper case (service tags, serial numbers).</summary>
    public static string UpperAlnum(this Random random, int length)
    {
        const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
    }

    /// <summary>A random lower-case string over an alphabet.</summary>
    public static string FromAlphabet(this Random random, string alphabet, int length) =>
        string.Create(length, (random, alphabet), static (span, s) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = s.alphabet[s.random.Next(s.alphabet.Length)];
            }
        });
}
