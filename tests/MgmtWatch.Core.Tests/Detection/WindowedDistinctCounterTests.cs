using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Tests.Detection;

public class WindowedDistinctCounterTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void CountsDistinctItemsWithinTheWindowOnly()
    {
        var c = new WindowedDistinctCounter<string, int>(10, 10);
        Assert.Equal(1, c.Add("a", 1, 0, 60 * Second));
        Assert.Equal(1, c.Add("a", 1, 1 * Second, 60 * Second));
        Assert.Equal(2, c.Add("a", 2, 2 * Second, 60 * Second));
        Assert.Equal(1, c.Add("b", 1, 2 * Second, 60 * Second));
        Assert.Equal(2, c.Add("a", 3, 62 * Second, 60 * Second)); // item 1 (last seen at 1 s) has left the window
    }

    [Fact]
    public void ExcludedItemsAreNotCounted()
    {
        var c = new WindowedDistinctCounter<string, int>(10, 10);
        c.Add("a", 1, 0, 60 * Second);
        c.Exclude("a", 1);
        Assert.Equal(1, c.Add("a", 2, 1, 60 * Second));
        Assert.Equal(1, c.Add("a", 1, 2, 60 * Second)); // still excluded while in the window
    }

    [Fact]
    public void AnIncidentOpensOnceUntilTheKeyGoesQuiet()
    {
        var c = new WindowedDistinctCounter<string, int>(10, 10);
        c.Add("a", 1, 0, 60 * Second);
        Assert.True(c.TryOpenIncident("a"));
        c.Add("a", 2, 1 * Second, 60 * Second);
        Assert.False(c.TryOpenIncident("a"));
        c.Add("a", 3, 200 * Second, 60 * Second);
        Assert.True(c.TryOpenIncident("a"));
    }

    [Fact]
    public void ItemsPerKeySaturateAndKeysStayBounded()
    {
        var c = new WindowedDistinctCounter<int, int>(100, 8);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(Math.Min(i + 1, 8), c.Add(0, i, i, long.MaxValue / 2));
        }

        for (var k = 0; k < 10_000; k++)
        {
            c.Add(k, 1, k, 60 * Second);
            Assert.True(c.Count <= c.MaxKeys);
        }

        Assert.True(c.Evicted > 0);
    }
}
