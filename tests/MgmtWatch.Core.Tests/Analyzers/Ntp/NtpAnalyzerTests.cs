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

    /// <summary>
    /// Random and half-valid datagrams (an NTP first byte of any version and mode, then random bytes of any
    /// length, including control messages with absurd counts and offsets) never make the analyzer throw,
    /// and each client still ends as one flow on port 123.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 100)]
    public bool RandomDatagramsOnPort123NeverThrow(byte[][] payloads)
    {
        var b = new PcapBuilder();
        var t = 0.0;
        var clients = new HashSet<int>();
        for (var i = 0; i < Math.Min(payloads.Length, 20); i++)
        {
            var p = payloads[i];
            var client = i % 4;
            clients.Add(client);
            byte[] data = p.Length > 0 && p[0] % 2 == 0 ? [(byte)(p[0] | 0x08), .. p.Skip(1).Take(600)] : [.. p.Take(600)];
            b.Add(t += 0.05, Frames.Udp($"10.9.0.{client + 1}", 123, "10.9.1.1", 123, data));
            if (p.Length % 3 == 0)
            {
                b.Add(t += 0.01, Frames.Udp("10.9.1.1", 123, $"10.9.0.{client + 1}", 123, data));
            }
        }

        var (events, _) = Analyze.Capture(b);
        return events.Flows.Count(f => f.RespPort == 123) == clients.Count;
    }
}
