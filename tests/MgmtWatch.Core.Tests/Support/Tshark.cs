using System.Diagnostics;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>tshark as the outside oracle: fields of the packets a display filter selects.</summary>
public static class Tshark
{
    private static readonly Lazy<bool> Installed = new(() => Run(["--version"]) is { ExitCode: 0 });

    /// <summary>Skips the calling test when tshark is not installed, saying so.</summary>
    public static void SkipUnlessInstalled() =>
        Skip.IfNot(Installed.Value, "tshark is not installed (.ci/run installs it: apt-get install -y tshark)");

    /// <summary>
    /// One row per selected packet, one string per field (tshark's -T fields with a tab separator, multiple
    /// values of one field joined by ','). <paramref name="extra"/> adds options such as <c>-d</c>.
    /// </summary>
    public static IReadOnlyList<string[]> Fields(string path, string filter, IReadOnlyList<string> fields, params string[] extra)
    {
        var args = new List<string> { "-n", "-r", path, "-Y", filter, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=," };
        args.AddRange(extra);
        foreach (var f in fields)
        {
            args.Add("-e");
            args.Add(f);
        }

        var result = Run(args) ?? throw new InvalidOperationException("tshark did not start");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }

    private static (int ExitCode, string Stdout, string Stderr)? Run(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
