using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Capture;

public class CaptureFileSetTests
{
    private static string FileWith(params double[] seconds)
    {
        var b = new PcapBuilder();
        foreach (var s in seconds)
        {
            b.Add(s, Frames.Udp("10.0.0.1", 1000, "10.0.0.2", (ushort)(s * 10), [1]));
        }

        return b.WriteTemp();
    }

    private static List<(long Time, int Source)> Read(IReadOnlyList<string> paths, MergeOrder order, out IReadOnlyList<CaptureError> errors)
    {
        using var set = new CaptureFileSet(paths, order);
        var list = new List<(long, int)>();
        while (set.MoveNext())
        {
            list.Add((set.Current.Timestamp, set.Current.SourceIndex));
        }

        errors = set.Errors;
        return list;
    }

    [Fact]
    public void TimeOrderInterleavesOverlappingFiles()
    {
        var a = FileWith(1, 3, 5);
        var b = FileWith(2, 4, 6);
        var packets = Read([a, b], MergeOrder.Time, out var errors);
        Assert.Empty(errors);
        Assert.Equal([0, 1, 0, 1, 0, 1], packets.Select(p => p.Source));
        Assert.Equal(packets.Select(p => p.Time).Order(), packets.Select(p => p.Time));
    }

    [Fact]
    public void TimeOrderSortsFilesGivenOutOfOrder()
    {
        var later = FileWith(10, 11);
        var earlier = FileWith(1, 2);
        var packets = Read([later, earlier], MergeOrder.Time, out _);
        Assert.Equal([1, 1, 0, 0], packets.Select(p => p.Source));
    }

    [Fact]
    public void GivenOrderReadsEachFileWhole()
    {
        var a = FileWith(1, 3, 5);
        var b = FileWith(2, 4, 6);
        var packets = Read([a, b], MergeOrder.Given, out _);
        Assert.Equal([0, 0, 0, 1, 1, 1], packets.Select(p => p.Source));
    }

    [Fact]
    public void UnreadableFileIsReportedAndTheOthersAreStillRead()
    {
        var good = FileWith(1, 2);
        var missing = Path.Combine(Path.GetTempPath(), "mgmtwatch-missing.pcap");
        var packets = Read([missing, good], MergeOrder.Time, out var errors);
        Assert.Equal(2, packets.Count);
        Assert.Single(errors);
        Assert.Equal(missing, errors[0].Source);
    }

    [Fact]
    public void TruncatedFileInAMergeKeepsItsPacketsAndReportsItsError()
    {
        var bytes = File.ReadAllBytes(FileWith(1, 2, 3));
        var cut = TempFiles.Write(bytes[..^5]);
        var other = FileWith(1.5, 2.5);
        var packets = Read([cut, other], MergeOrder.Time, out var errors);
        Assert.Equal(4, packets.Count);
        Assert.Single(errors);
        Assert.Equal(cut, errors[0].Source);
    }

    [Fact]
    public void BytesConsumedReachesTheTotal()
    {
        var a = FileWith(1, 2);
        var b = FileWith(3);
        using var set = new CaptureFileSet([a, b], MergeOrder.Time);
        while (set.MoveNext())
        {
        }

        Assert.Equal(new FileInfo(a).Length + new FileInfo(b).Length, set.BytesTotal);
        Assert.Equal(set.BytesTotal, set.BytesConsumed);
    }
}
