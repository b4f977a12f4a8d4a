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
        var mad = MedianAbsoluteDeviation(values, q2);
        var relativeMad = q2 > 1e-12 ? mad / q2 : (mad > 1e-12 ? 1 : 0);
        return 1 - ((Math.Min(1, skew) + Math.Min(1, relativeMad)) / 2);
    }

    /// <summary>Widest window sorted by the network; a series keeps 16 connections.</summary>
    private const int NetworkWidth = 16;

    /// <summary>Batcher's odd-even merge sort network for 16 inputs: 63 compare-exchanges, as index pairs.</summary>
    private static readonly byte[] Network = BuildNetwork(NetworkWidth);

    /// <summary>
    /// Sorts ascending. Up to 16 values go through a sorting network of branch-free min/max pairs: the
    /// gaps and sizes of a real series arrive in no order the branch predictor can learn, and the
    /// comparison sorts (Span.Sort, then insertion sort) spent most of the beacon score's time in
    /// mispredicted branches. Wider spans (not made by <see cref="SeriesTracker"/>) use insertion sort.
    /// </summary>
    internal static void Sort(Span<double> values)
    {
        if (values.Length > NetworkWidth)
        {
            InsertionSort(values);
            return;
        }

        Span<double> v = stackalloc double[NetworkWidth];
        values.CopyTo(v);
        v[values.Length..].Fill(double.PositiveInfinity);
        var network = Network;
        for (var k = 0; k + 1 < network.Length; k += 2)
        {
            ref var a = ref v[network[k]];
            ref var b = ref v[network[k + 1]];
            var low = Math.Min(a, b);
            b = Math.Max(a, b);
            a = low;
        }

        v[..values.Length].CopyTo(values);
    }

    private static void InsertionSort(Span<double> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            var x = values[i];
            var j = i - 1;
            while (j >= 0 && values[j] > x)
            {
                values[j + 1] = values[j];
                j--;
            }

            values[j + 1] = x;
        }
    }

    private static byte[] BuildNetwork(int n)
    {
        var pairs = new List<byte>();
        for (var p = 1; p < n; p <<= 1)
        {
            for (var k = p; k >= 1; k >>= 1)
            {
                for (var j = k % p; j + k < n; j += 2 * k)
                {
                    for (var i = 0; i < k && i + j + k < n; i++)
                    {
                        if ((i + j) / (2 * p) == (i + j + k) / (2 * p))
                        {
                            pairs.Add((byte)(i + j));
                            pairs.Add((byte)(i + j + k));
                        }
                    }
                }
            }
        }

        return [.. pairs];
    }

    /// <summary>
    /// The median of |x − <paramref name="median"/>| over <paramref name="sorted"/>, exactly as sorting the
    /// deviations and taking <see cref="Quantile"/> 0.5 would give, without the second sort: the deviations
    /// of the values below the median grow leftwards from it and those of the rest rightwards, so the sorted
    /// deviations are the merge of those two runs, walked here only as far as the middle.
    /// </summary>
    internal static double MedianAbsoluteDeviation(ReadOnlySpan<double> sorted, double median)
    {
        var n = sorted.Length;
        var (lower, upper, fraction) = QuantilePosition(n, 0.5);
        var right = 0;
        while (right < n && sorted[right] < median)
        {
            right++;
        }

        var left = right - 1;
        double atLower = 0;
        double atUpper = 0;
        for (var k = 0; k <= upper; k++)
        {
            var fromLeft = left >= 0 ? Math.Abs(sorted[left] - median) : double.PositiveInfinity;
            var fromRight = right < n ? Math.Abs(sorted[right] - median) : double.PositiveInfinity;
            if (fromLeft <= fromRight)
            {
                atUpper = fromLeft;
                left--;
            }
            else
            {
                atUpper = fromRight;
                right++;
            }

            if (k == lower)
            {
                atLower = atUpper;
            }
        }

        return atLower + ((atUpper - atLower) * fraction);
    }

    /// <summary>The <paramref name="q"/> quantile of ascending values, interpolated between the two nearest ranks.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var (lower, upper, fraction) = QuantilePosition(sorted.Length, q);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * fraction);
    }

    /// <summary>The ranks either side of quantile <paramref name="q"/> among <paramref name="n"/> values, and how far between them it lies.</summary>
    private static (int Lower, int Upper, double Fraction) QuantilePosition(int n, double q)
    {
        var position = q * (n - 1);
        var lower = (int)Math.Floor(position);
        return (lower, Math.Min(n - 1, lower + 1), position - lower);
    }
}
