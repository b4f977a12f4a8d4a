using System.Diagnostics;
using FsCheck;
using FsCheck.Xunit;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;
using MgmtWatch.Fuzz;

namespace MgmtWatch.Core.Tests.Capture;

/// <summary>
/// Real captures (pcaps/ and the public ones, as pcap, gzip and pcapng), damaged by <see cref="CaptureMutator"/>,
/// read by the real reader through the whole pipeline into the real writers: nothing throws, every capture
/// error is one line naming the file and an offset, every output stays valid (the fuzzer's output check),
/// and each file is done in bounded time. 100 captures per run; a failure names the capture and the seed
/// (FsCheck also prints its Replay value to run exactly the same cases again).
/// </summary>
public class MutatedCaptureTests
{
    /// <summary>Wall-clock bound for one damaged capture (the largest original is about 150 KB and reads in milliseconds).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static readonly Lazy<IReadOnlyList<(string Name, byte[] Bytes)>> Originals = new(() =>
    {
        var list = new List<(string, byte[])>();
        foreach (var path in RepoPaths.RepoCaptures().Concat(RepoPaths.SharedCaptures(includeMalformed: true)))
        {
            var bytes = File.ReadAllBytes(path);
            var name = Path.GetFileName(path);
            list.Add((name, bytes));
            if (bytes.Length is > 0 and < 200_000)
            {
                list.Add((name + ".gz", Gzipped.Compress(bytes)));
                if (AsPcapNg(bytes) is { } ng)
                {
                    list.Add((name + " as pcapng", ng));
                }
            }
        }

        return list;
    });

    [Property(MaxTest = 100)]
    public void DamagedCapturesAreReadCleanlyAndQuickly(NonNegativeInt pick, int seed)
    {
        var originals = Originals.Value;
        var (name, original) = originals[pick.Get % originals.Count];
        var damaged = CaptureMutator.Mutate(original, seed, out var applied);
        var what = $"{name} with seed {seed} ({applied})";
        var path = TempFiles.Write(damaged, ".pcap");

        var eve = new MemoryStream();
        var flows = new MemoryStream();
        var tsv = TempFiles.Create(".log");
        var clock = Stopwatch.StartNew();
        RunSummary summary;
        using (var sink = new FanOutSink(new EveJsonSink(new JsonLinesWriter(eve)), new FlowLogSink(new JsonLinesWriter(flows)), new FlowLogTsvSink(tsv)))
        {
            var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
            using var source = new CaptureFileSet([path], MergeOrder.Time);
            try
            {
                PacketLoop.Run(source, pipeline);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{what}: {ex}");
            }

            summary = pipeline.Summary;
        }

        Assert.True(clock.Elapsed < Bound, $"{what}: took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(summary.Packets <= (damaged.Length / 16) + 1, $"{what}: {summary.Packets} packets from {damaged.Length} bytes");
        foreach (var error in summary.CaptureErrors)
        {
            var line = error.ToString();
            Assert.DoesNotContain('\n', line);
            Assert.False(FuzzTargets.IsHostile(line, out _), $"{what}: {line}");
            Assert.StartsWith(path + ": ", line, StringComparison.Ordinal);
        }

        try
        {
            FuzzTargets.CheckOutputs(eve.ToArray(), flows.ToArray(), File.ReadAllBytes(tsv));
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException)
        {
            Assert.Fail($"{what}: {ex.Message}");
        }
    }

    /// <summary>The mutator is deterministic: the seed in a failure message reproduces the same damaged file.</summary>
    [Fact]
    public void SameSeedSameDamage()
    {
        var (_, original) = Originals.Value[0];
        Assert.Equal(CaptureMutator.Mutate(original, 1234, out var a), CaptureMutator.Mutate(original, 1234, out var b));
        Assert.Equal(a, b);
    }

    /// <summary>The mutations do reach the reader's error paths, so the property above tests something.</summary>
    [Fact]
    public void MutationsProduceCaptureErrors()
    {
        var errors = 0;
        var originals = Originals.Value;
        for (var seed = 0; seed < 60; seed++)
        {
            var (_, original) = originals[seed % originals.Count];
            var path = TempFiles.Write(CaptureMutator.Mutate(original, seed, out _), ".pcap");
            var (_, summary) = Analyze.File(path);
            errors += summary.CaptureErrors.Count;
        }

        Assert.True(errors >= 10, $"{errors} capture errors in 60 damaged captures");
    }

    /// <summary>The same packets as pcapng (one interface of the file's link type), when the file reads cleanly as pcap.</summary>
    private static byte[]? AsPcapNg(byte[] bytes)
    {
        var path = TempFiles.Write(bytes, ".pcap");
        using var reader = CaptureFileReader.Open(path, 0, out _);
        if (reader is not PcapFileReader pcap)
        {
            return null;
        }

        var ng = new PcapNgWriter(bigEndian: bytes.Length % 2 == 0);
        ng.SectionHeader();
        ng.Interface(pcap.LinkType, resolution: 9);
        while (reader.MoveNext())
        {
            ng.Enhanced(0, reader.Current.Timestamp, reader.Data.ToArray(), reader.Current.WireLength, resolution: 9);
        }

        return reader.Error is null ? ng.ToArray() : null;
    }
}
