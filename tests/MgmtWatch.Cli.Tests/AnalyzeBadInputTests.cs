using FsCheck;
using FsCheck.Xunit;
using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>Bad input is the normal case: a clear one-line message naming the file, exit 3, results so far written.</summary>
public class AnalyzeBadInputTests
{
    public static TheoryData<string> Malformed() => RepoPaths.SharedCaseNames(
        RepoPaths.SharedCaptures(includeMalformed: true).Where(f => f.Contains("malformed", StringComparison.Ordinal)), RepoPaths.Root);

    private static void AssertNoStackTrace(CliRunner.Result run)
    {
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Malformed))]
    public void EveryMalformedCaptureEndsWithExit0Or3AndAClearMessage(string capture)
    {
        RepoPaths.SkipUnlessShared();
        AssertAnalyzedCleanly(capture, capture);
    }

    /// <summary>
    /// Real captures damaged by <see cref="CaptureMutator"/> (flipped bytes, cuts, absurd lengths, bad link types,
    /// swapped magic) through the real executable: exit 0 or 3, one clean line per error, no exception trace,
    /// valid outputs, bounded time. Ten per run here (each is a process); MutatedCaptureTests in the Core tests
    /// runs a hundred per run in process. A failure names the capture and the seed.
    /// </summary>
    [Property(MaxTest = 10)]
    public void DamagedCapturesEndWithExit0Or3AndAClearMessage(NonNegativeInt pick, int seed)
    {
        var originals = RepoPaths.RepoCaptures().Concat(RepoPaths.SharedCaptures(includeMalformed: false)).ToList();
        var original = originals[pick.Get % originals.Count];
        var damaged = TempFiles.Write(CaptureMutator.Mutate(File.ReadAllBytes(original), seed, out var applied), ".pcap");
        AssertAnalyzedCleanly(damaged, $"{Path.GetFileName(original)} with seed {seed} ({applied})");
    }

    /// <summary>A file name is the user's, not the attacker's, but a directory of captures can hold anything: it is shown escaped.</summary>
    [Fact]
    public void FileNameWithEscapeSequencesIsShownEscaped()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mgmtwatch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "evil\u001b[2J\u001b]0;owned\u0007.pcap");
        File.WriteAllBytes(path, new PcapBuilder().Add(0, Frames.Udp("10.0.0.1", 1, "10.0.0.2", 2, [1])).ToPcap()[..30]);
        var run = CliRunner.Run("analyze", path, "--eve", "none");
        Assert.Equal(3, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Stderr);
        Assert.DoesNotContain('\u0007', run.Stderr);
        Assert.Contains("evil\\x1b[2J\\x1b]0;owned\\x07.pcap: offset ", run.Stderr, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Exit 0 or 3; on 3 one "mgmtwatch: error:" line naming the file and an offset; no trace, no control character; EVE and the flow log valid.</summary>
    private static void AssertAnalyzedCleanly(string capture, string what)
    {
        var eve = TempFiles.Create(".json");
        var flows = TempFiles.Create(".log");
        var run = CliRunner.RunIn(RepoPaths.Root, TimeSpan.FromSeconds(60), "analyze", capture, "--eve", eve, "--flows", flows);
        AssertNoStackTrace(run);
        Assert.True(run.ExitCode is 0 or 3, $"{what}: exit {run.ExitCode}: {run.Stderr}");
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("mgmtwatch: error: ", StringComparison.Ordinal)).ToList();
        if (run.ExitCode == 3)
        {
            var error = Assert.Single(errors);
            Assert.StartsWith($"mgmtwatch: error: {capture}: offset ", error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(errors);
        }

        Assert.DoesNotContain(run.Stderr, c => c < 0x20 && c is not ('\n' or '\r'));
        Assert.Contains("Read ", run.Stderr, StringComparison.Ordinal); // the summary is still written
        foreach (var line in File.ReadLines(eve))
        {
            Schemas.AssertEve(line);
        }

        foreach (var line in File.ReadLines(flows))
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Object, System.Text.Json.JsonDocument.Parse(line).RootElement.ValueKind);
        }
    }

    [Fact]
    public void MissingFileExitsWith3AndSaysSo()
    {
        var run = CliRunner.Run("analyze", "no/such/file.pcap");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("no/such/file.pcap: no such file", run.Stderr, StringComparison.Ordinal);
        AssertNoStackTrace(run);
    }

    [Fact]
    public void FileThatIsNotACaptureExitsWith3()
    {
        var path = TempFiles.Write("this is not a capture file\n"u8.ToArray(), ".pcap");
        var run = CliRunner.Run("analyze", path);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("not a pcap or pcapng file", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFileExitsWith3()
    {
        var run = CliRunner.Run("analyze", TempFiles.Write([], ".pcap"));
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("the file is empty", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedCaptureExitsWith3AndStillWritesTheFlowsBeforeTheCut()
    {
        var b = new PcapBuilder();
        for (var i = 0; i < 10; i++)
        {
            b.Add(i, Frames.Udp("10.0.0.1", (ushort)(40000 + i), "10.0.0.2", 623, new byte[40]));
        }

        var bytes = b.ToPcap();
        var cut = TempFiles.Write(bytes[..^20]);
        var flows = TempFiles.Create(".log");
        var run = CliRunner.Run("analyze", cut, "--eve", "none", "--flows", flows);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cut short", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(9, File.ReadAllLines(flows).Length);
        AssertNoStackTrace(run);
    }

    [Fact]
    public void RecordClaimingFourGigabytesExitsWith3Quickly()
    {
        var b = new PcapBuilder().Add(0, Frames.Udp("10.0.0.1", 1, "10.0.0.2", 2, [1]));
        var bytes = b.ToPcap();
        var evil = new byte[bytes.Length + 16];
        bytes.CopyTo(evil, 0);
        BitConverter.GetBytes(0xFFFF_FFFFu).CopyTo(evil, bytes.Length + 8);
        var run = CliRunner.Run("analyze", TempFiles.Write(evil), "--eve", "none");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("4294967295", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("analyze", "x.pcap", "--no-such-option")]
    [InlineData("analyze", "x.pcap", "--flow-format", "xml")]
    [InlineData("frobnicate")]
    public void UsageErrorsExitWith2(params string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("mgmtwatch", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidTimeoutIsAUsageError()
    {
        var run = CliRunner.Run("analyze", "x.pcap", "--timeout", "udp=fast");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("invalid timeout 'udp=fast'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void EveAndFlowsCannotBothUseStdout()
    {
        var run = CliRunner.Run("analyze", "x.pcap", "--flows", "-");
        Assert.Equal(2, run.ExitCode);
    }
}
