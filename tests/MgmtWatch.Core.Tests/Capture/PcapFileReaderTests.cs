using System.Buffers.Binary;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Capture;

public class PcapFileReaderTests
{
    private static PcapBuilder ThreePackets()
    {
        var b = new PcapBuilder();
        b.Add(0.000001, Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 623, [1, 2, 3]));
        b.Add(1.5, Frames.Udp("10.0.0.2", 623, "10.0.0.1", 40000, [4, 5]));
        b.Add(2.000123, Frames.Tcp("10.0.0.1", 50000, "10.0.0.3", 443, Frames.Syn));
        return b;
    }

    private static List<(long Time, byte[] Data, int Wire, LinkType Link)> ReadAll(string path, out CaptureError? error)
    {
        using var reader = CaptureFileReader.Open(path, 0, out var openError);
        Assert.Null(openError);
        var list = new List<(long, byte[], int, LinkType)>();
        while (reader!.MoveNext())
        {
            list.Add((reader.Current.Timestamp, reader.Data.ToArray(), reader.Current.WireLength, reader.Current.LinkType));
        }

        error = reader.Error;
        return list;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ReadsEveryVariantOfClassicPcap(bool nanoseconds, bool bigEndian)
    {
        var b = ThreePackets();
        var path = TempFiles.Write(b.ToPcap(nanoseconds, bigEndian));
        var packets = ReadAll(path, out var error);
        Assert.Null(error);
        Assert.Equal(3, packets.Count);
        for (var i = 0; i < 3; i++)
        {
            var expectedTime = nanoseconds ? b.Packets[i].Time : b.Packets[i].Time / 1000 * 1000;
            Assert.Equal(expectedTime, packets[i].Time);
            Assert.Equal(b.Packets[i].Frame, packets[i].Data);
            Assert.Equal(LinkType.Ethernet, packets[i].Link);
        }
    }

    [Fact]
    public void SnapLengthCutPacketKeepsItsWireLength()
    {
        var frame = Frames.Udp("10.0.0.1", 1, "10.0.0.2", 2, new byte[500]);
        var b = new PcapBuilder().Add(0, frame[..96], wireLength: frame.Length);
        var packets = ReadAll(TempFiles.Write(b.ToPcap()), out var error);
        Assert.Null(error);
        Assert.Equal(96, packets[0].Data.Length);
        Assert.Equal(frame.Length, packets[0].Wire);
    }

    [Fact]
    public void FileCutInsideAPacketKeepsEarlierPacketsAndNamesTheOffset()
    {
        var bytes = ThreePackets().ToPcap();
        var cut = bytes[..(bytes.Length - 10)];
        var packets = ReadAll(TempFiles.Write(cut), out var error);
        Assert.Equal(2, packets.Count);
        Assert.NotNull(error);
        Assert.Contains("cut short", error!.Message, StringComparison.Ordinal);
        var thirdRecordOffset = 24 + 16 + packets[0].Data.Length + 16 + packets[1].Data.Length;
        Assert.Equal(thirdRecordOffset, error.Offset);
    }

    [Fact]
    public void RecordClaimingFourGigabytesIsRefusedWithoutAllocating()
    {
        var bytes = ThreePackets().ToPcap();
        var secondRecord = 24 + 16 + ThreePackets().Packets[0].Frame.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(secondRecord + 8), 0xFFFF_FFF0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var packets = ReadAll(TempFiles.Write(bytes), out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Single(packets);
        Assert.NotNull(error);
        Assert.Equal(secondRecord, error!.Offset);
        Assert.Contains("4294967280", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void HeaderOnlyFileIsAValidEmptyCapture()
    {
        var packets = ReadAll(TempFiles.Write(new PcapBuilder().ToPcap()), out var error);
        Assert.Empty(packets);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 1, 2 }, "too short")]
    [InlineData(new byte[] { 0x3C, 0x3F, 0x78, 0x6D, 0x6C, 0x20 }, "magic bytes 3c 3f 78 6d")]
    public void NonCaptureIsRefusedAtOpen(byte[] content, string expected)
    {
        var path = TempFiles.Write(content, ".bin");
        var reader = CaptureFileReader.Open(path, 0, out var error);
        Assert.Null(reader);
        Assert.NotNull(error);
        Assert.Contains(expected, error!.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Source);
    }

    [Fact]
    public void MissingFileIsReportedNotThrown()
    {
        var reader = CaptureFileReader.Open(Path.Combine(Path.GetTempPath(), "no-such-capture.pcap"), 0, out var error);
        Assert.Null(reader);
        Assert.Equal("no such file", error!.Message);
        Assert.Equal(-1, error.Offset);
    }

    [Fact]
    public void CutHeaderIsRefused()
    {
        var bytes = new PcapBuilder().ToPcap()[..20];
        Assert.Null(CaptureFileReader.Open(TempFiles.Write(bytes), 0, out var error));
        Assert.Contains("header", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GzipCompressedCaptureReadsLikeThePlainOne()
    {
        var plain = ThreePackets().ToPcap();
        var gz = TempFiles.Write(Gzipped.Compress(plain), ".pcap.gz");
        var a = ReadAll(TempFiles.Write(plain), out _);
        var b = ReadAll(gz, out var error);
        Assert.Null(error);
        Assert.Equal(a.Select(p => (p.Time, Convert.ToHexString(p.Data))), b.Select(p => (p.Time, Convert.ToHexString(p.Data))));
    }

    [Fact]
    public void CorruptGzipIsABadCaptureNotACrash()
    {
        var plain = ThreePackets().ToPcap();
        var gz = Gzipped.Compress(plain);
        for (var i = gz.Length / 2; i < gz.Length - 8; i++)
        {
            gz[i] ^= 0x5A;
        }

        var path = TempFiles.Write(gz, ".pcap.gz");
        using var reader = CaptureFileReader.Open(path, 0, out var openError);
        if (reader is null)
        {
            Assert.NotNull(openError);
            return;
        }

        while (reader.MoveNext())
        {
        }

        Assert.NotNull(reader.Error);
    }
}
