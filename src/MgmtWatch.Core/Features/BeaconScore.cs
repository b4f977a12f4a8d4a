namespace MgmtWatch.Core.Features;

/// <summary>
/// How regular a series of connections is, in the manner of RITA's beacon analysis (activecm/rita):
/// timing regularity from the skew and dispersion of the gaps between connection starts, and size
/// regularity from the skew and dispersion of their sizes. 1 means clockwork; 0 means irregular.
/// </summary>
/// <remarks>
/// RITA measures dispersion in absolute seconds and bytes; here it is relative to the median (median
/// absolute deviation / median), so a 5-minute poll and a 30-second check-in with the same jitter score
/// alike. Bowley's quartile skewness is used because it is robust to the odd late or retried connection.
/// </remarks>
public static class BeaconScore
{
    /// <summary>Fewest connections for which a score means anything.</summary>
    public const int MinimumConnections = 4;

    /// <summary>
    /// Scores a series from its connection start times (ns, ascending) and sizes (bytes), using the
    /// scratch buffer for sorting. Returns 0 for series too short to judge.
    /// </summary>
    public static double Compute(ReadOnlySpan<long> starts, ReadOnlySpan<double> sizes, Span<double> scratch)
    {
        var n = starts.Length;
        if (n < MinimumConnections || scratch.Length < n)
        {
            return 0;
        }

        var gaps = scratch[..(n - 1)];
        for (var i = 1; i < n; i++)
        {
            gaps[i - 1] = Math.Max(0, starts[i] - starts[i - 1]) * 1e-9;
        }

        var timing = Regularity(gaps);
        var sizesCopy = scratch[..n];
        sizes[..n].CopyTo(sizesCopy);
        var size = Regularity(sizesCopy);
        return (timing * 2 + size) / 3; // timing matters most: an implant's payloads may vary, its clock rarely
    }

    /// <summary>1 − average of |Bowley skew| and relative MAD, both clipped to [0, 1]; sorts <paramref name="values"/>.</summary>
    private static double Regularity(Span<double> values)
    {
        Sort(values);
        var q1 = Quantile(values, 0.25);
        var q2 = Quantile(values, 0.5);
        var q3 = Quantile(values, 0.75);
        var skew = q3 - q1 > 1e-12 ? Math.Abs((q1 + q3 - (2 * q2)) / (q3 - q1)) : 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Abs(values[i] - q2);
        }

        Sort(values);
        var mad = Quantile(values, 0.5);
        var relativeMad = q2 > 1e-12 ? mad / q2 : (mad > 1e-12 ? 1 : 0);
        return 1 - ((Math.Min(1, skew) + Math.Min(1, relativeMad)) / 2);
    }

    /// <summary>
    /// Insertion sort: a series holds at most 16 values, where it beats the general sort (measured in the
    /// pipeline, Span.Sort made the beacon score most of what extracting a flow's features cost).
    /// </summary>
    private static void Sort(Span<double> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            var v = values[i];
            var j = i - 1;
            while (j >= 0 && values[j] > v)
            {
                values[j + 1] = values[j];
                j--;
            }

            values[j + 1] = v;
        }
    }

    private static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(sorted.Length - 1, lower + 1);
        var fraction = position - lower;
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * fraction);
    }
}
