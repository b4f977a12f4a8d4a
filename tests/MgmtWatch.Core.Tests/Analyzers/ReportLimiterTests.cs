using MgmtWatch.Core.Analyzers;

namespace MgmtWatch.Core.Tests.Analyzers;

public class ReportLimiterTests
{
    [Fact]
    public void AKeyIsReportedOncePerIntervalEvenWhenEvidenceArrivesOutOfOrder()
    {
        var limiter = new ReportLimiter<string>(10);
        Assert.True(limiter.TryReport("bmc", 1000, 100));
        Assert.False(limiter.TryReport("bmc", 1050, 100));
        Assert.False(limiter.TryReport("bmc", 950, 100)); // a decision taken late carries an earlier time
        Assert.True(limiter.TryReport("other", 1050, 100));
        Assert.True(limiter.TryReport("bmc", 1100, 100));
    }

    [Fact]
    public void TheTableIsBounded()
    {
        var limiter = new ReportLimiter<int>(64);
        for (var i = 0; i < 5000; i++)
        {
            Assert.True(limiter.TryReport(i, i, 1_000_000));
            Assert.True(limiter.Count <= 64);
        }
    }
}
