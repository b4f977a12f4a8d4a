using System.Globalization;
using System.Text;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Tests.Output;

public class ScoreNumberTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(17.288789, "17.288789")]
    [InlineData(5.6389064, "5.638906")]
    [InlineData(0.0000004, "0")]
    [InlineData(0.0000006, "0.000001")]
    [InlineData(2.5, "2.5")]
    [InlineData(1234567.0, "1234567")]
    [InlineData(0.1, "0.1")]
    public void WritesTheRoundedValueInFixedPoint(double value, string expected)
    {
        Span<byte> text = stackalloc byte[32];
        Assert.Equal(expected, Encoding.ASCII.GetString(text[..ScoreNumber.Format(value, text)]));
    }

    [Fact]
    public void AgreesWithMathRoundOnRandomScores()
    {
        var random = new Random(5);
        Span<byte> text = stackalloc byte[32];
        for (var i = 0; i < 100_000; i++)
        {
            var value = random.NextDouble() * Math.Pow(10, random.Next(-3, 7));
            var written = Encoding.ASCII.GetString(text[..ScoreNumber.Format(value, text)]);
            Assert.DoesNotContain("E", written, StringComparison.OrdinalIgnoreCase);
            Assert.False(written.Contains('.', StringComparison.Ordinal) && written.EndsWith('0'), written);
            Assert.Equal(Math.Round(value, 6), double.Parse(written, CultureInfo.InvariantCulture), 6);
        }
    }
}
