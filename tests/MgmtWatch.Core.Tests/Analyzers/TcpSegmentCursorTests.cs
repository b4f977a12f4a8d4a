using MgmtWatch.Core.Analyzers;

namespace MgmtWatch.Core.Tests.Analyzers;

public class TcpSegmentCursorTests
{
    [Fact]
    public void InOrderRetransmittedOverlappingAndGappedSegments()
    {
        var c = new TcpSegmentCursor();
        Assert.Equal("abc"u8.ToArray(), c.Advance(100, "abc"u8, 3, out var gap).ToArray());
        Assert.False(gap);
        Assert.True(c.Advance(100, "abc"u8, 3, out gap).IsEmpty); // retransmission
        Assert.Equal("de"u8.ToArray(), c.Advance(102, "cde"u8, 3, out gap).ToArray()); // overlap trimmed
        Assert.False(gap);
        Assert.Equal("xy"u8.ToArray(), c.Advance(110, "xy"u8, 2, out gap).ToArray()); // 105..109 never seen
        Assert.True(gap);
        Assert.Equal(5, c.MissedBytes);
    }

    [Fact]
    public void ASegmentCutByTheCaptureMakesTheNextOneFollowAGap()
    {
        var c = new TcpSegmentCursor();
        Assert.Equal("ab"u8.ToArray(), c.Advance(0, "ab"u8, 10, out var gap).ToArray());
        Assert.False(gap);
        Assert.Equal("k"u8.ToArray(), c.Advance(10, "k"u8, 1, out gap).ToArray());
        Assert.True(gap);
        Assert.Equal(8, c.MissedBytes);
    }

    [Fact]
    public void SequenceNumbersWrap()
    {
        var c = new TcpSegmentCursor();
        c.Advance(uint.MaxValue - 1, "ab"u8, 2, out _);
        Assert.Equal("cd"u8.ToArray(), c.Advance(0, "cd"u8, 2, out var gap).ToArray());
        Assert.False(gap);
    }
}
