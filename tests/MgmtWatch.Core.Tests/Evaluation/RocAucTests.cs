using MgmtWatch.Core.Evaluation;

namespace MgmtWatch.Core.Tests.Evaluation;

public class RocAucTests
{
    [Fact]
    public void PerfectSeparationIsOne() =>
        Assert.Equal(1.0, RocAuc.Compute([(0.1, false), (0.2, false), (0.8, true), (0.9, true)]));

    [Fact]
    public void InvertedSeparationIsZero() =>
        Assert.Equal(0.0, RocAuc.Compute([(0.9, false), (0.8, false), (0.2, true), (0.1, true)]));

    [Fact]
    public void TiesCountHalf() =>
        Assert.Equal(0.5, RocAuc.Compute([(1, false), (1, true)]));

    [Fact]
    public void KnownMixedValue()
    {
        // Pairs (pos, neg): 0.35>0.1 0.35>0.4? no, 0.8>both, 0.35<0.4 → 3 of 4 = 0.75
        Assert.Equal(0.75, RocAuc.Compute([(0.1, false), (0.4, false), (0.35, true), (0.8, true)]));
    }

    [Fact]
    public void OneClassOnlyIsUndefined() => Assert.Null(RocAuc.Compute([(0.1, false), (0.2, false)]));
}
