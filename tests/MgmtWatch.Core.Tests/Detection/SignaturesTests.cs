using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Tests.Detection;

public class SignaturesTests
{
    [Fact]
    public void IdsAreUniqueAndInsideTheLocalBlock()
    {
        var ids = Signatures.All.Select(s => s.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id, 9_100_000, 9_199_999));
    }

    [Fact]
    public void MessagesAreEtStyleAndCategoriesAreSuricatas()
    {
        var categories = typeof(Classification).GetFields().Select(f => (string)f.GetValue(null)!).ToHashSet();
        Assert.All(Signatures.All, s =>
        {
            Assert.Matches("^MGMTWATCH [A-Z]+ ", s.Message);
            Assert.Contains(s.Category, categories);
            Assert.InRange(s.Severity, 1, 3);
            Assert.False(string.IsNullOrWhiteSpace(s.Explanation));
        });
    }

    [Fact]
    public void ThresholdNamesAreUniqueAndOverridable()
    {
        var names = Signatures.AllThresholds.Select(t => t.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        var first = Signatures.AllThresholds[0];
        Assert.Null(DetectionSettings.TryParse([$"{first.Name}=42"], out var settings));
        Assert.Equal(42, settings[first]);
        Assert.NotNull(DetectionSettings.TryParse(["no.such.threshold=1"], out _));
        Assert.NotNull(DetectionSettings.TryParse([$"{first.Name}=many"], out _));
    }
}
