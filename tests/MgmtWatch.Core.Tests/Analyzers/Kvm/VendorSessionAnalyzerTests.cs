using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Kvm;

public class VendorSessionAnalyzerTests
{
    [Theory]
    [InlineData(623, "vmedia", "virtual-media", "supermicro")]
    [InlineData(17988, "vmedia", "virtual-media", "hpe-ilo")]
    [InlineData(3668, "vmedia", "virtual-media", "dell-idrac")]
    [InlineData(17990, "kvm", "console", "hpe-ilo")]
    [InlineData(3900, "kvm", "console", "lenovo")]
    public void SessionWithDataBothWaysIsConfirmedWithItsKindVendorAndClient(int port, string service, string kind, string vendor)
    {
        // Virtual media: a short login exchange, then a bulk stream of image blocks towards the BMC.
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", (ushort)port).Handshake()
            .Client(new byte[64]).Server(new byte[32]).Client(new byte[200_000]).Close();
        var run = RenderedRun.Of(b);
        var flow = Assert.Single(run.FlowsOf(service));
        Assert.Equal(kind, flow.Field("kvm.kind"));
        Assert.Equal(vendor, flow.Field("kvm.vendor"));
        Assert.Equal("10.0.0.1", flow.Field("kvm.client"));
        Assert.Equal(200_064UL, flow.GetProperty("orig_bytes").GetUInt64());
    }

    [Fact]
    public void DataOneWayOnlyIsNotASession()
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 623).Handshake().Client(new byte[64]).Close();
        var flow = Assert.Single(RenderedRun.Of(b).FlowLines);
        Assert.False(flow.TryGetProperty("service", out _));
        Assert.Null(flow.Field("kvm.kind"));
    }

    [Fact]
    public void SessionCapturedMidwayStillNamesTheClientOffTheServicePort()
    {
        // No handshake: the BMC's stream is the first thing captured.
        var b = new PcapBuilder();
        b.Add(0.001, Frames.Tcp("10.0.0.9", 17990, "10.0.0.1", 40000, Frames.Psh | Frames.Ack, 5000, 9000, new byte[1400]));
        b.Add(0.002, Frames.Tcp("10.0.0.1", 40000, "10.0.0.9", 17990, Frames.Psh | Frames.Ack, 9000, 6400, new byte[10]));
        var flow = Assert.Single(RenderedRun.Of(b).FlowsOf("kvm"));
        Assert.Equal("10.0.0.1", flow.Field("kvm.client"));
    }

    [FsCheck.Xunit.Property(MaxTest = 100)]
    public void ArbitrarySegmentsNeverThrow(byte[] client, byte[] server, byte[] cuts, bool console)
    {
        StreamFuzz.Run(client ?? [], server ?? [], console ? (ushort)17990 : (ushort)623, cuts ?? []);
    }
}
