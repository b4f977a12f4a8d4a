using MgmtWatch.Core.Features;

namespace MgmtWatch.Core.Tests.Features;

public class BeaconScoreTests
{
    private static double Score(IEnumerable<double> startsSeconds, IEnumerable<double> sizes)
    {
        var starts = startsSeconds.Select(s => (long)(s * 1e9)).ToArray();
        return BeaconScore.Compute(starts, sizes.ToArray(), new double[starts.Length]);
    }

    /// <summary>Ties, zeros and wide ranges, as gaps and sizes have them.</summary>
    private static double[] GapsOrSizes(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => random.Next(4) switch
        {
            0 => 0.0,
            1 => random.Next(3),
            2 => random.NextDouble() * 1e9,
            _ => 300 + random.NextDouble(),
        })];

    [Fact]
    public void ClockworkSeriesScoresOne()
    {
        Assert.Equal(1.0, Score(Enumerable.Range(0, 12).Select(i => i * 300.0), Enumerable.Repeat(512.0, 12)), 6);
    }

    [Fact]
    public void ImplantWithFourPercentJitterStillScoresHigh()
    {
        var random = new Random(7);
        var t = 0.0;
        var starts = Enumerable.Range(0, 16).Select(_ => t += 300 * (1 + ((random.NextDouble() - 0.5) * 0.08))).ToList();
        var sizes = Enumerable.Range(0, 16).Select(_ => 600.0 + random.Next(10)).ToList();
        Assert.InRange(Score(starts, sizes), 0.9, 1.0);
    }

    [Fact]
    public void HumanActivityScoresLow()
    {
        var random = new Random(3);
        var t = 0.0;
        var starts = Enumerable.Range(0, 16).Select(_ => t += random.NextDouble() < 0.5 ? random.Next(5, 60) : random.Next(600, 5000)).ToList();
        var sizes = Enumerable.Range(0, 16).Select(_ => (double)random.Next(1_000, 2_000_000)).ToList();
        Assert.InRange(Score(starts, sizes), 0, 0.6);
    }

    [Fact]
    public void TooFewConnectionsScoreZero()
    {
        Assert.Equal(0, Score([0, 300, 600], [1, 1, 1]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SortingNetworkSortsLikeArraySortAtEveryLength(int seed)
    {
        var random = new Random(seed);
        for (var length = 0; length <= 24; length++)
        {
            for (var round = 0; round < 200; round++)
            {
                var values = GapsOrSizes(random, length);
                var expected = values.ToArray();
                Array.Sort(expected);
                BeaconScore.Sort(values);
                Assert.Equal(expected, values);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MedianAbsoluteDeviationEqualsSortingTheDeviations(int seed)
    {
        var random = new Random(seed);
        for (var length = 1; length <= 24; length++)
        {
            for (var round = 0; round < 200; round++)
            {
                var values = GapsOrSizes(random, length).Order().ToArray();

                // The median of the series, and now and then a value beside it, since the merge must not care.
                var middle = (values[(length - 1) / 2] + values[length / 2]) / 2;
                var center = random.Next(3) == 0 ? values[random.Next(length)] : middle;
                var deviations = values.Select(v => Math.Abs(v - center)).Order().ToArray();
                Assert.Equal(BeaconScore.Quantile(deviations, 0.5), BeaconScore.MedianAbsoluteDeviation(values, center));
            }
        }
    }
}
