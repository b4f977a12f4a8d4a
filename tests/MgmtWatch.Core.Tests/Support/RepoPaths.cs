namespace MgmtWatch.Core.Tests.Support;

/// <summary>Where the repository and the shared public captures are.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MgmtWatch.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MgmtWatch.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The repository's fixture captures.</summary>
    public static string Pcaps => Path.Combine(Root, "pcaps");

    /// <summary>Public captures written by others (../shared/pcaps-public), present in CI, absent in a user's clone.</summary>
    public static string SharedPcaps => Path.GetFullPath(Path.Combine(Root, "..", "shared", "pcaps-public"));

    /// <summary>Skips the calling test when the shared captures are not present, saying so.</summary>
    public static void SkipUnlessShared() =>
        Skip.IfNot(Directory.Exists(SharedPcaps), $"the public captures are not here ({SharedPcaps}); CI has them, a fresh clone does not");

    /// <summary>Every capture file in the shared set, optionally including malformed/.</summary>
    public static IEnumerable<string> SharedCaptures(bool includeMalformed) =>
        Directory.Exists(SharedPcaps)
            ? Directory.EnumerateFiles(SharedPcaps, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal))
                .Where(f => includeMalformed || !f.Contains($"{Path.DirectorySeparatorChar}malformed{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
            : [];

    /// <summary>
    /// Theory rows for shared captures, each a path relative to <paramref name="relativeTo"/>. Without the shared
    /// set the one row "(none)" stands in, so the theory still runs and its <see cref="SkipUnlessShared"/> says
    /// why it was skipped (a theory without rows fails instead).
    /// </summary>
    public static TheoryData<string> SharedCaseNames(IEnumerable<string> captures, string relativeTo)
    {
        var data = new TheoryData<string>();
        foreach (var capture in captures)
        {
            data.Add(Path.GetRelativePath(relativeTo, capture));
        }

        if (data.Count == 0)
        {
            data.Add("(none)");
        }

        return data;
    }

    /// <summary>The repository's own captures.</summary>
    public static IEnumerable<string> RepoCaptures() =>
        Directory.EnumerateFiles(Pcaps, "*.pcap*", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal);
}
