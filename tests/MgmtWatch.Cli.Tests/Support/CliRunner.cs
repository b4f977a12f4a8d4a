using System.Diagnostics;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests.Support;

/// <summary>Runs the real mgmtwatch executable in a child process, as a user would.</summary>
public static class CliRunner
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "mgmtwatch.dll");

    /// <summary>A fixed fingerprint key, so that credential fingerprints in golden files are stable.</summary>
    private static readonly Lazy<string> FingerprintKey = new(() => TempFiles.Write(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), ".key"));

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunIn(RepoPaths.Root, TimeSpan.FromMinutes(3), args);

    public static Result RunIn(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunIn(workingDirectory, timeout, new Dictionary<string, string>(), args);

    /// <summary>Runs mgmtwatch with <paramref name="environment"/> added to its environment.</summary>
    public static Result RunIn(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Executable);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["TERM"] = "dumb";
        psi.Environment["MGMTWATCH_FINGERPRINT_KEY"] = FingerprintKey.Value; // one key per test run, not the user's
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mgmtwatch {string.Join(' ', args)} did not finish in {timeout} (a hang)");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs an external tool (tshark, editcap); null if it is not installed.</summary>
    public static Result? Tool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public static void SkipUnlessTool(string tool) =>
        Skip.If(Tool(tool, "--version") is null, $"{tool} is not installed (.ci/run installs it: apt-get install -y tshark)");
}
