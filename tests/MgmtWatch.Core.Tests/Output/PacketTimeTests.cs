using System.Globalization;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Tests.Output;

public class PacketTimeTests
{
    [Theory]
    [InlineData(1_772_366_400_123_456_789L, "2026-03-01T12:00:00.123456+0000", "1772366400.123456")]
    [InlineData(0L, "1970-01-01T00:00:00.000000+0000", "0.000000")]
    [InlineData(951_782_400_000_001_000L, "2000-02-29T00:00:00.000001+0000", "951782400.000001")]
    [InlineData(-1_000L, "1969-12-31T23:59:59.999999+0000", "-0.000001")]
    public void FormatsLikeSuricataAndZeek(long ns, string eve, string seconds)
    {
        Assert.Equal(eve, PacketTime.ToEveString(ns));
        Assert.Equal(seconds, PacketTime.ToSecondsString(ns));
    }

    [FsCheck.Xunit.Property]
    public bool EveTimestampAgreesWithDateTime(int days, int secondOfDay, int micros)
    {
        var d = Math.Abs(days % 100_000);
        var s = Math.Abs(secondOfDay % 86_400);
        var u = Math.Abs(micros % 1_000_000);
        var ns = ((((long)d * 86_400) + s) * 1_000_000_000L) + (u * 1000L);
        var expected = DateTime.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+0000";
        return PacketTime.ToEveString(ns) == expected;
    }
}
