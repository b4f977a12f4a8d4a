using MgmtWatch.Core.Capture;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// The capture files the micro-benchmarks feed on: the repository's own recordings (pcaps/, always
/// present) and the shared public captures (../shared/pcaps-public, present beside a project checkout
/// and in CI, absent in a user's clone). Read with the project's own <see cref="CaptureFileSet"/> and held
/// in memory, so the benchmarks time the component, not the disk.
/// </summary>
internal static class RepoCaptures
{
    private static readonly Lazy<string> RootPath = new(() =>
        FindRoot(AppContext.BaseDirectory) ?? FindRoot(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException($"MgmtWatch.sln not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}"));

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A capture in the repository's pcaps/ folder.</summary>
    public static string Repo(string name) => Path.Combine(Root, "pcaps", name);

    /// <summary>A capture in the shared public set, or null when that set is not beside the checkout.</summary>
    public static string? Shared(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "pcaps-public", relative));
        return File.Exists(path) ? path : null;
    }

    /// <summary>Every packet of <paramref name="path"/>, in file order.</summary>
    public static CapturedFrame[] Load(string path)
    {
        using var source = new CaptureFileSet([path], MergeOrder.Time);
        var frames = new List<CapturedFrame>();
        while (source.MoveNext())
        {
            frames.Add(new CapturedFrame(source.Current, source.Data.ToArray()));
        }

        if (source.Errors.Count > 0)
        {
            throw new InvalidDataException($"{path}: {source.Errors[0]}");
        }

        return [.. frames];
    }

    private static string? FindRoot(string start)
    {
        var dir = new DirectoryInfo(start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MgmtWatch.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName;
    }
}
