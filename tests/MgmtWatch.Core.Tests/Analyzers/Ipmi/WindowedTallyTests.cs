using MgmtWatch.Core.Analyzers.Ipmi;

namespace MgmtWatch.Core.Tests.Analyzers.Ipmi;

public class WindowedTallyTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void EventsAndDistinctValuesAreCountedWithinTheWindowOnly()
    {
        var tally = new WindowedTally<int>(16, 16);
        Assert.Equal((1, 1), tally.Add(1, 0, 60 * Second, 100, distinctOnly: false));
        Assert.Equal((2, 1), tally.Add(1, 10 * Second, 60 * Second, 100, distinctOnly: false));
        Assert.Equal((3, 2), tally.Add(1, 20 * Second, 60 * Second, 200, distinctOnly: false));
        Assert.Equal((2, 2), tally.Add(1, 75 * Second, 60 * Second, 300, distinctOnly: false)); // 0 s and 10 s have left the window
        Assert.Equal((1, 1), tally.Add(2, 65 * Second, 60 * Second, 100, distinctOnly: false)); // another key is separate
    }

    [Fact]
    public void DistinctOnlyRefreshesAValueInsteadOfCountingItAgain()
    {
        var tally = new WindowedTally<int>(16, 16);
        tally.Add(1, 0, 60 * Second, 7, distinctOnly: true);
        tally.Add(1, 50 * Second, 60 * Second, 7, distinctOnly: true);
        Assert.Equal((2, 2), tally.Add(1, 100 * Second, 60 * Second, 8, distinctOnly: true)); // 7 refreshed at 50 s is still in
    }

    [Fact]
    public void KeysAndEventsPerKeyAreBounded()
    {
        var tally = new WindowedTally<int>(100, 8);
        for (var i = 0; i < 10_000; i++)
        {
            tally.Add(i, i, 3600 * Second, (ulong)i, distinctOnly: false);
            Assert.True(tally.Count <= 100);
        }

        for (var i = 0; i < 50; i++)
        {
            var (events, _) = tally.Add(-1, 20_000 + i, 3600 * Second, (ulong)i, distinctOnly: false);
            Assert.True(events <= 8);
        }
    }
}
