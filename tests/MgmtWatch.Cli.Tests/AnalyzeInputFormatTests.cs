using MgmtWatch.Cli.Tests.Support;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Cli.Tests;

public class AnalyzeInputFormatTests
{
    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoPaths.RepoCaptures().Concat(RepoPaths.SharedCaptures(includeMalformed: false)).Where(f => f.EndsWith(".pcap", StringComparison.Ordinal)))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        }

        return data;
    }

    private static string FlowLog(string capture)
    {
        var flows = TempFiles.Create(".log");
        var run = CliRunner.Run("analyze", capture, "--no-model", "--eve", "none", "--flows", flows, "-q");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return File.ReadAllText(flows);
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void PcapPcapngAndGzipGiveIdenticalFlowLogs(string capture)
    {
        CliRunner.SkipUnlessTool("editcap");
        var path = Path.Combine(RepoPaths.Root, capture);
        Skip.IfNot(File.Exists(path), $"{capture} is not here (the public captures are only in CI)");

        var pcapng = TempFiles.Create(".pcapng");
        var convert = CliRunner.Tool("editcap", "-F", "pcapng", path, pcapng)!;
        Assert.True(convert.ExitCode == 0, convert.Stderr);
        var gz = TempFiles.Write(Gzipped.Compress(File.ReadAllBytes(path)), ".pcap.gz");

        var reference = FlowLog(path);
        Assert.NotEmpty(reference);
        Assert.Equal(reference, FlowLog(pcapng));
        Assert.Equal(reference, FlowLog(gz));
    }

    [Fact]
    public void SeveralFilesMergeInTimeOrderByDefaultAndInGivenOrderOnRequest()
    {
        // One truncated IPv4 packet per file: anomaly events are written as packets are read, with
        // pcap_cnt and pcap_filename, so they show the reading order. Port 9 (discard) has no analyzer
        // that would add application-layer anomalies of its own.
        static byte[] Broken(ushort port)
        {
            var frame = Frames.Udp("10.0.0.1", port, "10.0.0.2", 9, new byte[100]);
            return frame[..60];
        }

        var early = new PcapBuilder().Add(0, Broken(1000)).Add(10, Broken(1001)).WriteTemp();
        var late = new PcapBuilder().Add(5, Broken(2000)).WriteTemp();
        var eve = TempFiles.Create(".json");

        Assert.Equal(0, CliRunner.Run("analyze", late, early, "--no-model", "--eve", eve, "-q", "--no-flow-events").ExitCode);
        var merged = Schemas.Lines(File.ReadAllText(eve)).Select(e => (e.GetProperty("pcap_cnt").GetInt32(), e.GetProperty("src_port").GetInt32(), e.GetProperty("pcap_filename").GetString())).ToList();
        Assert.Equal([(1, 1000, early), (2, 2000, late), (3, 1001, early)], merged);

        Assert.Equal(0, CliRunner.Run("analyze", late, early, "--no-model", "--eve", eve, "-q", "--no-flow-events", "--order", "given").ExitCode);
        var given = Schemas.Lines(File.ReadAllText(eve)).Select(e => (e.GetProperty("pcap_cnt").GetInt32(), e.GetProperty("src_port").GetInt32(), e.GetProperty("pcap_filename").GetString())).ToList();
        Assert.Equal([(1, 2000, late), (2, 1000, early), (3, 1001, early)], given);
    }
}
