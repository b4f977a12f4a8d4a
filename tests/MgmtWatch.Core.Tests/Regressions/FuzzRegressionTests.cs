using System.Diagnostics;
using MgmtWatch.Core.Tests.Support;
using MgmtWatch.Fuzz;

namespace MgmtWatch.Core.Tests.Regressions;

/// <summary>
/// Every input afl-fuzz found that crashed, hung or broke an output check (tests/fuzz/run-campaign.sh) is kept
/// under Regressions/fuzz/&lt;target&gt;/ and replayed here through the same fuzz target (the harness's source
/// is linked into this project), so a fixed bug stays fixed. The instrumented build and the campaigns
/// themselves never run in CI; these replays do.
/// </summary>
public class FuzzRegressionTests
{
    /// <summary>Time one input may take: a finding that was a hang must now finish well inside it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "MgmtWatch.Core.Tests", "Regressions", "fuzz");

    public static TheoryData<string, string> Findings()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.EnumerateDirectories(Folder).Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*.bin").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
            }
        }

        return data;
    }

    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Findings))]
    public void FuzzFindingNoLongerFails(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(Folder, target, file));
        var clock = Stopwatch.StartNew();
        FuzzTargets.Run(target, input);
        Assert.True(clock.Elapsed < Bound, $"{target}/{file} took {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Every target still runs, on nothing and on a little noise, so the harness cannot rot unnoticed.</summary>
    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryFuzzTargetRunsOnTrivialInput(string target)
    {
        FuzzTargets.Run(target, []);
        FuzzTargets.Run(target, [0]);
        FuzzTargets.Run(target, [1, 0, 0, 3, 1, 2, 3, 1, 0, 2, 0xFF, 0xFF]);
    }

    /// <summary>Every finding file is named after a target: a misplaced one would silently never run.</summary>
    [Fact]
    public void FindingFoldersAreFuzzTargets()
    {
        Assert.All(Directory.EnumerateDirectories(Folder), dir => Assert.Contains(Path.GetFileName(dir), FuzzTargets.Names));
        Assert.NotEmpty(Findings());
    }
}
