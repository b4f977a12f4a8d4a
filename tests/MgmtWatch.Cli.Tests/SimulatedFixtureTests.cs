using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>
/// The simulator's fixtures in pcaps/ and the shipped model in models/default are regenerated with the
/// exact commands of pcaps/tools/simulate-fixtures.sh (also quoted in pcaps/README.md) and compared byte
/// for byte: the shipped files are what the shipped code makes of the shipped inputs. A line may start
/// with NAME=VALUE environment assignments, which the run gets too.
/// </summary>
public class SimulatedFixtureTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Pcaps, "tools", "simulate-fixtures.sh")))
        {
            if (Parse(line).Args is ["mgmtwatch", "simulate" or "train", ..])
            {
                data.Add(line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void FixtureIsRegeneratedByteForByte(string command)
    {
        var (environment, words) = Parse(command);
        var args = words[1..];
        var outputs = new List<(string Shipped, string Fresh)>();
        var training = args[0] == "train";
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (training && args[i] == "--out")
            {
                // A model is a directory: compare each of its files.
                var fresh = Path.Combine(Path.GetTempPath(), "mgmtwatch-model-" + Guid.NewGuid().ToString("N"));
                foreach (var file in new[] { "model.zip", "model.json", "baseline.json" })
                {
                    outputs.Add((Path.Combine(RepoPaths.Root, args[i + 1], file), Path.Combine(fresh, file)));
                }

                args[i + 1] = fresh;
            }
            else if (args[i] is "--out" or "--labels")
            {
                var fresh = TempFiles.Create(Path.GetExtension(args[i + 1]));
                outputs.Add((Path.Combine(RepoPaths.Root, args[i + 1]), fresh));
                args[i + 1] = fresh;
            }
        }

        var run = CliRunner.RunIn(RepoPaths.Root, TimeSpan.FromMinutes(3), environment, args);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.NotEmpty(outputs);
        foreach (var (shipped, fresh) in outputs)
        {
            Assert.True(File.Exists(shipped), shipped + " is missing: run pcaps/tools/simulate-fixtures.sh");
            Assert.True(File.ReadAllBytes(shipped).AsSpan().SequenceEqual(File.ReadAllBytes(fresh)), $"{shipped} differs from what '{command}' writes now: regenerate it with pcaps/tools/simulate-fixtures.sh and review the change");
            Assert.True(new FileInfo(shipped).Length < 4_500_000, shipped + " is too large for a fixture");
        }

        Assert.Contains(command, File.ReadAllText(Path.Combine(RepoPaths.Pcaps, "README.md")), StringComparison.Ordinal);
    }

    /// <summary>A script line's leading environment assignments, and the command's words after them.</summary>
    private static (Dictionary<string, string> Environment, string[] Args) Parse(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var environment = words.TakeWhile(IsAssignment).Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (environment, [.. words.SkipWhile(IsAssignment)]);
    }

    /// <summary>A shell variable assignment such as <c>DOTNET_EnableHWIntrinsic=0</c>.</summary>
    private static bool IsAssignment(string word) =>
        word.IndexOf('=', StringComparison.Ordinal) is > 0 and var at && word[..at].All(c => c == '_' || char.IsAsciiLetterOrDigit(c));
}
