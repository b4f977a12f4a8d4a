using MgmtWatch.Core.Analyzers.Asn1;

namespace MgmtWatch.Core.Tests.Analyzers.Asn1;

public class BerReaderTests
{
    private static BerError Skip(byte[] bytes, int? wireLength = null)
    {
        var reader = new BerReader(bytes, wireLength ?? bytes.Length);
        reader.TrySkip();
        return reader.Error;
    }

    [Fact]
    public void ShortAndLongFormLengthsAreRead()
    {
        byte[] data = [0x04, 0x81, 0x03, 1, 2, 3, 0x04, 0x82, 0x00, 0x01, 9];
        var reader = new BerReader(data, data.Length);
        Assert.True(reader.TryReadOctetString(0x04, out var first));
        Assert.Equal([1, 2, 3], first.ToArray());
        Assert.True(reader.TryReadOctetString(0x04, out var second));
        Assert.Equal([9], second.ToArray());
        Assert.False(reader.HasMore);
    }

    [Theory]
    [InlineData(new byte[] { 0x04, 0x85, 0, 0, 0, 0, 1, 0 }, "LengthTooLong")]
    [InlineData(new byte[] { 0x04, 0xFF, 0 }, "LengthTooLong")]
    [InlineData(new byte[] { 0x30, 0x80, 0, 0 }, "IndefiniteLength")]
    [InlineData(new byte[] { 0x04, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 1 }, "LengthExceedsEnclosing")]
    [InlineData(new byte[] { 0x04, 0x05, 1, 2 }, "LengthExceedsEnclosing")]
    [InlineData(new byte[] { 0x30, 0x03, 0x04, 0x05, 1 }, "LengthExceedsEnclosing")]
    [InlineData(new byte[] { 0x1F, 0x81, 0x00, 0x00 }, "HighTagNumber")]
    public void BrokenLengthsAndTagsAreReportedNotThrown(byte[] bytes, string expected) => Assert.Equal(Enum.Parse<BerError>(expected), Skip(bytes));

    [Fact]
    public void AnElementCutByTheCaptureIsTruncatedNotAViolation()
    {
        byte[] captured = [0x04, 0x05, 1, 2];
        var cut = new BerReader(captured, 7);
        Assert.False(cut.TryReadOctetString(0x04, out _));
        Assert.Equal(BerError.Truncated, cut.Error);
        var broken = new BerReader(captured, 6);
        Assert.False(broken.TryReadOctetString(0x04, out _));
        Assert.Equal(BerError.LengthExceedsEnclosing, broken.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0x02, 0x01, 0xFF }, -1L)]
    [InlineData(new byte[] { 0x02, 0x02, 0x00, 0x80 }, 128L)]
    [InlineData(new byte[] { 0x02, 0x04, 0x7F, 0xFF, 0xFF, 0xFF }, 2147483647L)]
    [InlineData(new byte[] { 0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0 }, long.MinValue)]
    public void IntegersAreTwosComplement(byte[] bytes, long expected)
    {
        var reader = new BerReader(bytes, bytes.Length);
        Assert.True(reader.TryReadInteger(0x02, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(new byte[] { 0x02, 0x00 })]
    [InlineData(new byte[] { 0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    public void EmptyAndOverlongIntegersAreBad(byte[] bytes)
    {
        var reader = new BerReader(bytes, bytes.Length);
        Assert.False(reader.TryReadInteger(0x02, out _));
        Assert.Equal(BerError.BadInteger, reader.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0x2B, 0x06, 0x01 }, "None", 4)]
    [InlineData(new byte[] { 0x2B, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F }, "None", 3)] // 2^32-1
    [InlineData(new byte[] { 0x2B, 0x90, 0x80, 0x80, 0x80, 0x00 }, "OidSubidentifierTooLong", 0)] // 2^32
    [InlineData(new byte[] { 0x2B, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, "OidSubidentifierTooLong", 0)] // Zeek reproducer
    [InlineData(new byte[] { 0x2B, 0x80, 0x01 }, "OidBadEncoding", 0)]
    [InlineData(new byte[] { 0x2B, 0x86 }, "OidBadEncoding", 0)]
    [InlineData(new byte[0], "OidBadEncoding", 0)]
    public void ObjectIdentifiersAreValidated(byte[] content, string expected, int arcs)
    {
        Assert.Equal(Enum.Parse<BerError>(expected), BerReader.ValidateObjectIdentifier(content, out var count));
        Assert.Equal(arcs, count);
    }

    [Fact]
    public void MoreThan128SubidentifiersAreRefused()
    {
        var content = new byte[128];
        content[0] = 0x2B;
        Assert.Equal(BerError.None, BerReader.ValidateObjectIdentifier(content.AsSpan(0, 127), out var n));
        Assert.Equal(128, n);
        Assert.Equal(BerError.OidTooManySubidentifiers, BerReader.ValidateObjectIdentifier(content, out _));
    }

    [Fact]
    public void NestingBeyondTheBoundStopsTheReader()
    {
        static byte[] Nest(int depth) => depth == 0 ? [0x05, 0x00] : [0x30, .. Length(Nest(depth - 1).Length), .. Nest(depth - 1)];
        static byte[] Length(int n) => n < 0x80 ? [(byte)n] : [0x81, (byte)n];
        Assert.Equal(BerError.None, Skip(Nest(BerReader.MaxDepth - 1)));
        Assert.Equal(BerError.NestingTooDeep, Skip(Nest(BerReader.MaxDepth + 1)));
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool RandomBytesNeverThrow(byte[] bytes, byte extra)
    {
        var reader = new BerReader(bytes, bytes.Length + (extra % 3));
        while (reader.HasMore && reader.TrySkip())
        {
        }

        return true;
    }
}
