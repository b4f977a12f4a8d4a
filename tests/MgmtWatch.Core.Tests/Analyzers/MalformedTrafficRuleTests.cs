using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Support.RmcpPackets;

namespace MgmtWatch.Core.Tests.Analyzers;

/// <summary>
/// Rule 9108008 on a fuzzer written here: broken RMCP and IPMI datagrams (the violations the IPMI analyzer
/// names) from one host to five BMCs. Counted per sender across its destinations, within the window, before
/// the anomaly events are thinned.
/// </summary>
public class MalformedTrafficRuleTests
{
    private const string Fuzzer = "10.66.0.77";

    private static readonly string[] Bmcs = ["10.9.0.11", "10.9.0.12", "10.9.0.13", "10.9.0.14", "10.9.0.15"];

    /// <summary>One datagram each of what a fuzzer mutating RMCP+ session set-up sends.</summary>
    private static byte[] Broken(int i)
    {
        switch (i % 4)
        {
            case 0:
                return [0x05, 0x00, 0xFF, 0x07, 0x00]; // RMCP version 5
            case 1:
                var reserved = OpenSessionRequest(1);
                reserved[5] = 0x30; // reserved payload type
                return reserved;
            case 2:
                var longer = OpenSessionRequest(1);
                longer[14] = 0xFF; // payload length beyond the datagram
                return longer;
            default:
                return Rakp1(7, "an-eighteen-char-x"); // user name longer than 16
        }
    }

    private static PcapBuilder Fuzz(int packets, double spacing, double start = 0, PcapBuilder? into = null)
    {
        var b = into ?? new PcapBuilder();
        for (var i = 0; i < packets; i++)
        {
            b.Add(start + (i * spacing), Frames.Udp(Fuzzer, (ushort)(40000 + i), Bmcs[i % Bmcs.Length], 623, Broken(i)));
        }

        return b;
    }

    private static PipelineOptions With(params string[] thresholds)
    {
        Assert.Null(DetectionSettings.TryParse(thresholds, out var settings));
        return new PipelineOptions { Detection = settings };
    }

    private static List<AlertEvent> Alerts(PcapBuilder b, PipelineOptions? options = null) =>
        [.. Analyze.Capture(b, options).Events.Alerts.Where(a => a.SignatureId == Signatures.MalformedTraffic.Id)];

    [Fact]
    public void TwentyBrokenPacketsWithinAMinuteAcrossFiveBmcsAreOneAlert()
    {
        var alert = Assert.Single(Alerts(Fuzz(40, 0.2)));
        Assert.Equal(Fuzzer, alert.Source.ToString());
        var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("20", evidence["malformed.packets"]);
        Assert.Equal("ipmi", evidence["malformed.app_proto"]);
    }

    [Fact]
    public void FewerOrSlowerViolationsAreNot()
    {
        Assert.Empty(Alerts(Fuzz(19, 0.2)));
        Assert.Empty(Alerts(Fuzz(60, 4))); // 15 within any minute
    }

    /// <summary>A burst ten minutes later is the same incident (repeats within an hour are counted, not written); two hours later, a new one.</summary>
    [Fact]
    public void ABurstHoursLaterIsASecondIncident()
    {
        Assert.Single(Alerts(Fuzz(25, 0.1, start: 600, into: Fuzz(25, 0.1))));
        Assert.Equal(2, Alerts(Fuzz(25, 0.1, start: 7200, into: Fuzz(25, 0.1))).Count);
    }

    [Fact]
    public void TheThresholdAndWindowAreSettable()
    {
        Assert.Single(Alerts(Fuzz(6, 0.2), With("malformed.packets=5")));
        Assert.Empty(Alerts(Fuzz(40, 0.2), With("malformed.window-seconds=2")));
    }

    /// <summary>The anomaly events are limited to 100 per name a minute; the count behind the rule is not.</summary>
    [Fact]
    public void ViolationsAreCountedBeforeTheAnomalyEventsAreThinned()
    {
        var b = new PcapBuilder();
        for (var i = 0; i < 300; i++)
        {
            b.Add(i * 0.01, Frames.Udp(Fuzzer, 40000, Bmcs[0], 623, Broken(0)));
        }

        var (events, summary) = Analyze.Capture(b, With("malformed.packets=250"));
        Assert.True(events.Anomalies.Count < 250, $"{events.Anomalies.Count} anomaly events");
        Assert.True(summary.AnomaliesSuppressed > 0);
        Assert.Single(events.Alerts, a => a.SignatureId == Signatures.MalformedTraffic.Id);
    }
}
