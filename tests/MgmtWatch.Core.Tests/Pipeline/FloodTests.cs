using System.Buffers.Binary;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Decoding;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Pipeline;

/// <summary>
/// Floods of new flows and of fragments must leave the sensor within its limits, counted, and with one
/// alert about the flood itself, not one per victim flow. The benchmark's <c>floods</c> command runs the
/// same three floods at two million packets with the default limits and reports peak memory.
/// </summary>
public class FloodTests
{
    private const string Bmc = "10.50.0.10";

    [Fact]
    public void SynFloodFromRandomSourcesFillsTheTableOnceAndAlertsOnce()
    {
        var random = new Random(5);
        var b = new PcapBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            var source = $"{random.Next(11, 126)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
            b.Add(i * 0.0001, Frames.Tcp(source, (ushort)random.Next(1024, 65536), Bmc, 443, Frames.Syn, seq: (uint)random.Next()));
        }

        var (events, summary) = Analyze.Capture(b, new PipelineOptions { MaxFlows = 2_000 });
        Assert.Equal(2_000, summary.Flows.PeakActive);
        Assert.True(summary.Flows.Evicted >= 17_000, $"{summary.Flows.Evicted} evicted");
        Assert.Equal(summary.Flows.Evicted, events.Flows.Count(f => f.Reason == FlowEndReason.Evicted));
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.ResourceExhaustion.Id, alert.SignatureId);
        Assert.Contains("flow table is full", alert.Description, StringComparison.Ordinal);
        Assert.True(summary.AlertsSuppressed > 0);
    }

    [Fact]
    public void TinyUdpFloodIsBoundedTheSameWay()
    {
        var random = new Random(6);
        var b = new PcapBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            b.Add(i * 0.0001, Frames.Udp($"172.16.{random.Next(256)}.{random.Next(1, 255)}", (ushort)random.Next(1024, 65536), Bmc, 623, [(byte)i]));
        }

        var (events, summary) = Analyze.Capture(b, new PipelineOptions { MaxFlows = 1_000 });
        Assert.Equal(1_000, summary.Flows.PeakActive);
        Assert.Equal(Signatures.ResourceExhaustion.Id, Assert.Single(events.Alerts, a => a.SignatureId == Signatures.ResourceExhaustion.Id).SignatureId);
    }

    [Fact]
    public void FragmentFloodIsCountedAndAlertsOnce()
    {
        var whole = Frames.Udp("203.0.113.9", 40000, Bmc, 623, new byte[2000]);
        var first = PacketDecoderTests.FragmentIpv4(whole, 1000).First();
        var b = new PcapBuilder();
        for (var id = 0; id < 5_000; id++)
        {
            var copy = (byte[])first.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(14 + 4), (ushort)id);
            b.Add(id * 0.0001, copy);
        }

        var (events, summary) = Analyze.Capture(b);
        Assert.Equal(5_000 - FragmentReassemblerLimit, summary.Fragments.Evicted);
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.ResourceExhaustion.Id, alert.SignatureId);
        Assert.Contains("fragment cache is full", alert.Description, StringComparison.Ordinal);
    }

    private static int FragmentReassemblerLimit => Core.Decoding.FragmentReassembler.DefaultMaxDatagrams;
}
