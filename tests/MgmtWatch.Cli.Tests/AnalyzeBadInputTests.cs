using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

/// <summary>Bad input is the normal case: a clear one-line message naming the file, exit 3, results so far written.</summary>
public class AnalyzeBadInputTests
{
    public static TheoryData<string> Malformed()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoPaths.SharedCaptures(includeMalformed: true).Where(f => f.Contains("malformed", StringComparison.Ordinal)))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        }

        return data;
    }

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
        var eve = TempFiles.Create(".json");
        var run = CliRunner.Run("analyze", capture, "--eve", eve);
        AssertNoStackTrace(run);
        Assert.True(run.ExitCode is 0 or 3, $"exit {run.ExitCode}: {run.Stderr}");
        if (run.ExitCode == 3)
        {
            Assert.Contains($"mgmtwatch: error: {capture}: offset ", run.Stderr, StringComparison.Ordinal);
        }

        Assert.Contains("Read ", run.Stderr, StringComparison.Ordinal); // the summary is still written
        foreach (var line in File.ReadLines(eve))
        {
            Schemas.AssertEve(line);
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
