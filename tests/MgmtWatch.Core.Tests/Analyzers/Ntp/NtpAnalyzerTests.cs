using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Ntp;

public class NtpAnalyzerTests
{
    [SkippableFact]
    public void ClientServerSynchronisationIsNtpWithModes3And4AndNoAlert()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Path.Combine(RepoPaths.SharedPcaps, "ntp", "zeek-ntp.pcap"));
        Assert.NotEmpty(events.Flows);
        Assert.All(events.Flows, f => Assert.Equal("ntp", f.Service));
        Assert.Empty(events.Alerts);
    }

    [SkippableFact]
    public void ControlAndPrivateQueriesRaiseOneAlertPerIncident()
    {
        RepoPaths.SkipUnlessShared();
        var (events, summary) = Analyze.File(Path.Combine(RepoPaths.SharedPcaps, "ntp", "zeek-ntpmode67.pcap"));
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.NtpControlQuery.Id, alert.SignatureId);
        Assert.Equal("ntp", alert.AppProto);
        Assert.Equal(8, summary.AlertsSuppressed);
    }

    [Fact]
    public void GarbageOnPort123IsAnAnomalyAndNotNtp()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 123, [0x00, 1, 2, 3]))
            .Add(1, Frames.Udp("10.0.0.1", 40001, "10.0.0.2", 123, [0x1B, 1, 2, 3]));
        var (events, _) = Analyze.Capture(b);
        Assert.Equal(["NTP_BAD_VERSION", "NTP_SHORT_PACKET"], events.Anomalies.Select(a => a.Event));
        Assert.All(events.Flows, f => Assert.Null(f.Service));
    }

    [Fact]
    public void NtpOnAnUnusualPortIsFoundByContent()
    {
        var request = new byte[48];
        request[0] = 0x23; // version 4, mode 3
        var reply = new byte[48];
        reply[0] = 0x24;
        var b = new PcapBuilder()
            .Add(0, Frames.Udp("10.0.0.1", 40000, "10.0.0.2", 1123, request))
            .Add(0.01, Frames.Udp("10.0.0.2", 1123, "10.0.0.1", 40000, reply));
        Assert.Equal("ntp", Assert.Single(Analyze.Capture(b).Events.Flows).Service);
    }
}
