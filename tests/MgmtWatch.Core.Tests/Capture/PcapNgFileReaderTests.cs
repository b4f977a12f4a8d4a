using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Capture;

public class PcapNgFileReaderTests
{
    private static readonly byte[] FrameA = Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 623, [1, 2, 3]);
    private static readonly byte[] FrameB = Frames.Tcp("10.0.0.1", 50000, "10.0.0.3", 443, Frames.Syn);

    private static List<(long Time, byte[] Data, LinkType Link)> ReadAll(byte[] file, out CaptureError? error)
    {
        using var reader = CaptureFileReader.Open(TempFiles.Write(file, ".pcapng"), 0, out var openError);
        Assert.Null(openError);
        var list = new List<(long, byte[], LinkType)>();
        while (reader!.MoveNext())
        {
            list.Add((reader.Current.Timestamp, reader.Data.ToArray(), reader.Current.LinkType));
        }

        error = reader.Error;
        return list;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InterfacesKeepTheirOwnLinkTypeAndResolution(bool bigEndian)
    {
        var t = PcapBuilder.T0 + 123_456_789;
        var w = new PcapNgWriter(bigEndian);
        w.SectionHeader();
        w.Interface(LinkType.Ethernet, resolution: 6);
        w.Interface(LinkType.Raw, resolution: 9);
        w.Interface(LinkType.LinuxSll2, resolution: 0x80 | 30, offsetSeconds: 0);
        w.Enhanced(0, t, FrameA, resolution: 6);
        w.Enhanced(1, t, Frames.IpOf(FrameB), resolution: 9);
        w.Enhanced(2, t, FrameA, resolution: 0x80 | 30);
        var packets = ReadAll(w.ToArray(), out var error);
        Assert.Null(error);
        Assert.Equal(3, packets.Count);
        Assert.Equal((t / 1000 * 1000, LinkType.Ethernet), (packets[0].Time, packets[0].Link));
        Assert.Equal((t, LinkType.Raw), (packets[1].Time, packets[1].Link));
        Assert.Equal(LinkType.LinuxSll2, packets[2].Link);
        Assert.InRange(packets[2].Time, t - 1, t + 1); // 2^-30 s resolution is just under a nanosecond
        Assert.Equal(Frames.IpOf(FrameB), packets[1].Data);
    }

    [Fact]
    public void TimestampOffsetOptionIsApplied()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Ethernet, offsetSeconds: 3600);
        w.Enhanced(0, PcapBuilder.T0, FrameA);
        var packets = ReadAll(w.ToArray(), out _);
        Assert.Equal(PcapBuilder.T0 + (3600L * 1_000_000_000), packets[0].Time);
    }

    [Fact]
    public void SimpleAndObsoletePacketBlocksAreRead()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Ethernet);
        w.Obsolete(0, PcapBuilder.T0, FrameA);
        w.Simple(FrameB);
        var packets = ReadAll(w.ToArray(), out var error);
        Assert.Null(error);
        Assert.Equal([FrameA, FrameB], packets.Select(p => p.Data));

        // A simple packet block has no timestamp: it carries the previous packet's.
        Assert.Equal(packets[0].Time, packets[1].Time);
    }

    [Fact]
    public void UnknownBlocksOfAnySizeAreSkipped()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Ethernet);
        w.Unknown(0x0BAD, 40);
        w.Enhanced(0, PcapBuilder.T0, FrameA);
        w.Unknown(0x0000_0BAD, 3 << 20); // larger than the reader's buffer: streamed past
        w.Unknown(5, 64); // interface statistics block
        w.Enhanced(0, PcapBuilder.T0 + 1000, FrameB);
        var packets = ReadAll(w.ToArray(), out var error);
        Assert.Null(error);
        Assert.Equal(2, packets.Count);
    }

    [Fact]
    public void NewSectionResetsInterfaces()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Raw);
        w.Enhanced(0, PcapBuilder.T0, Frames.IpOf(FrameA));
        w.SectionHeader();
        w.Interface(LinkType.Ethernet);
        w.Enhanced(0, PcapBuilder.T0, FrameB);
        var packets = ReadAll(w.ToArray(), out var error);
        Assert.Null(error);
        Assert.Equal([LinkType.Raw, LinkType.Ethernet], packets.Select(p => p.Link));
    }

    [Fact]
    public void PacketForUndefinedInterfaceStopsWithAClearError()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Ethernet);
        w.Enhanced(0, PcapBuilder.T0, FrameA);
        w.Enhanced(7, PcapBuilder.T0, FrameB);
        var packets = ReadAll(w.ToArray(), out var error);
        Assert.Single(packets);
        Assert.Contains("interface 7", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockLengthNotAMultipleOfFourIsCorrupt()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Ethernet);
        w.Raw([6, 0, 0, 0, 33, 0, 0, 0]);
        var packets = ReadAll(w.ToArray(), out var error);
        Assert.Empty(packets);
        Assert.Contains("block length 33", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugePacketBlockIsRefused()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Ethernet);
        w.Raw([6, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0xFF]);
        var packets = ReadAll(w.ToArray(), out var error);
        Assert.Empty(packets);
        Assert.Contains("4294967280", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedBlockKeepsEarlierPackets()
    {
        var w = new PcapNgWriter();
        w.SectionHeader();
        w.Interface(LinkType.Ethernet);
        w.Enhanced(0, PcapBuilder.T0, FrameA);
        w.Enhanced(0, PcapBuilder.T0, FrameB);
        var bytes = w.ToArray();
        var packets = ReadAll(bytes[..^6], out var error);
        Assert.Single(packets);
        Assert.Contains("cut short", error!.Message, StringComparison.Ordinal);
    }
}
