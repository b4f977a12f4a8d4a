using MgmtWatch.Core.Analyzers;

namespace MgmtWatch.Core.Tests.Analyzers;

public class HandshakeBuffersTests
{
    [Fact]
    public void SkipPassesOverABodyAndCollectionResumesAfterIt()
    {
        var buffer = new TcpStreamBuffer(64);
        Assert.True(buffer.Add(100, "HEAD"u8, 4));
        buffer.Consume(4);
        Assert.True(buffer.Skip(10));
        Assert.False(buffer.Add(104, "0123456789"u8, 10)); // the skipped body
        Assert.True(buffer.Add(114, "NEXT"u8, 4));
        Assert.Equal("NEXT"u8.ToArray(), buffer.Data.ToArray());
        Assert.False(buffer.Broken);
    }

    [Fact]
    public void SkipAcrossASegmentKeepsTheBytesAfterTheBody()
    {
        var buffer = new TcpStreamBuffer(64);
        buffer.Add(0, "AB"u8, 2);
        buffer.Consume(2);
        buffer.Skip(3);
        Assert.True(buffer.Add(2, "xyzNEXT"u8, 7));
        Assert.Equal("NEXT"u8.ToArray(), buffer.Data.ToArray());
    }

    [Fact]
    public void SkipBeyondWhatSequenceNumbersCanFollowBreaksTheStream()
    {
        var buffer = new TcpStreamBuffer(64);
        buffer.Add(0, "AB"u8, 2);
        Assert.False(buffer.Skip(1L << 31));
        Assert.True(buffer.Broken);
    }

    [Fact]
    public void PoolLendsAtMostItsLimitAndTakesBuffersBackClean()
    {
        var pool = new StreamBufferPool(16, 2);
        var a = pool.Rent();
        var b = pool.Rent();
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Null(pool.Rent());
        Assert.Equal(1, pool.Refused);
        a!.Add(0, "data"u8, 4);
        pool.Return(a);
        var c = pool.Rent();
        Assert.Same(a, c);
        Assert.Equal(0, c!.Length);
        Assert.Equal(2, pool.Lent);
    }

    [Theory]
    [InlineData("plain text", 100, "plain text")]
    [InlineData("a\\b", 100, "a\\x5cb")]
    [InlineData("line\r\nbreak", 100, "line\\x0d\\x0abreak")]
    [InlineData("abcdef", 3, "abc\u2026")]
    public void WireTextEscapesEverythingButPrintableAscii(string input, int max, string expected) =>
        Assert.Equal(expected, WireText.Escape(System.Text.Encoding.Latin1.GetBytes(input), max));

    [Fact]
    public void WireTextEscapesNonAsciiBytes() =>
        Assert.Equal("caf\\xc3\\xa9\\x1b[31m", WireText.Escape("café\u001b[31m"u8, 100));
}
