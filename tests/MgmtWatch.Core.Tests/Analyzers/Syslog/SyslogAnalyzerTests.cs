using System.Text;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Syslog;

public class SyslogAnalyzerTests
{
    private const string Bmc = "10.9.0.15";
    private const string Collector = "10.0.0.5";

    private static string Public(string file) => Path.Combine(RepoPaths.SharedPcaps, "syslog", file);

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [SkippableFact]
    public void SingleUdpMessageIsLocal0Notice()
    {
        RepoPaths.SkipUnlessShared();
        var flow = Assert.Single(Analyze.File(Public("zeek-syslog-single-udp.pcap")).Events.Flows);
        Assert.Equal("syslog", flow.Service);
        Assert.Equal("local0", flow.Field("syslog.facility")); // tshark: facility 16, level 5
        Assert.Equal("notice", flow.Field("syslog.severity"));
        Assert.Equal("1", flow.Field("syslog.messages"));
    }

    [SkippableFact]
    public void TcpStreamMixingOctetCountingAndNewlineFramingHasFourMessagesAndNoText()
    {
        RepoPaths.SkipUnlessShared();
        var file = Public("zeek-tcp-syslog.pcap");
        var flow = Assert.Single(Analyze.File(file).Events.Flows);
        Assert.Equal("syslog", flow.Service);
        Assert.Equal("4", flow.Field("syslog.messages")); // "51 <13>…", "<14>…\n", "50 <15>…", "<16>…\n"
        Assert.Equal("user,mail", flow.Field("syslog.facility"));
        Assert.Equal("emerg,notice,info,debug", flow.Field("syslog.severity"));
        var (flowLog, eve) = FlowLogText.Of(file);
        Assert.Contains("\"service\":\"syslog\"", flowLog, StringComparison.Ordinal);
        Assert.DoesNotContain("su root", flowLog + eve, StringComparison.Ordinal);
        Assert.DoesNotContain("mymachine", flowLog + eve, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void NdpiEncapsulationsCountEveryUdpMessage()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Public("ndpi-syslog.pcap"));
        var udp = events.Flows.Where(f => f.Protocol == 17 && f.Service == "syslog").Sum(f => int.Parse(f.Field("syslog.messages")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(83, udp); // tshark -Y syslog: 83 frames (IPv4, IPv6, PPPoE, 802.1Q)
        Assert.Contains(events.Flows, f => f.Protocol == 6 && f.RespPort == 52173 && f.Field("syslog.format") == "rfc5424"); // found by content
        Assert.Empty(events.Anomalies);
    }

    [Fact]
    public void BrokenPrisAreAnomalies()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Bmc, 40000, Collector, 514, Ascii("Oct 11 22:14:15 bmc sshd: no pri")))
            .Add(1, Frames.Udp(Bmc, 40000, Collector, 514, Ascii("<192>Oct 11 22:14:15 bmc x")))
            .Add(2, Frames.Udp(Bmc, 40000, Collector, 514, Ascii("<1x>Oct 11 22:14:15 bmc x")))
            .Add(3, Frames.Udp(Bmc, 40000, Collector, 514, Ascii("<38>1 2026-03-01T12:00:00Z bmc sshd - - - ok")));
        var (events, _) = Analyze.Capture(b);
        Assert.Equal(["SYSLOG_MISSING_PRI", "SYSLOG_BAD_PRI", "SYSLOG_BAD_PRI"], events.Anomalies.Select(a => a.Event));
        var flow = Assert.Single(events.Flows);
        Assert.Equal("auth", flow.Field("syslog.facility"));
        Assert.Equal("rfc5424", flow.Field("syslog.format"));
    }

    [Fact]
    public void RshOnTcp514IsLeftAloneSilently()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Tcp(Bmc, 1023, Collector, 514, Frames.Syn, seq: 10))
            .Add(0.01, Frames.Tcp(Collector, 514, Bmc, 1023, Frames.Syn | Frames.Ack, seq: 90, ack: 11))
            .Add(0.02, Frames.Tcp(Bmc, 1023, Collector, 514, Frames.Ack | Frames.Psh, seq: 11, ack: 91, payload: Ascii("0\0root\0root\0id\0")));
        var (events, _) = Analyze.Capture(b);
        Assert.Empty(events.Anomalies);
        Assert.Null(Assert.Single(events.Flows).Service);
    }

    [Fact]
    public void OctetCountedMessagesSplitAcrossSegmentsAreCounted()
    {
        var stream = Ascii("27 <86>Mar  1 12:00:00 bmc x y38 <85>1 2026-03-01T12:00:00Z bmc - - - -");
        var b = new PcapBuilder()
            .Add(0, Frames.Tcp(Bmc, 40000, Collector, 514, Frames.Syn, seq: 10))
            .Add(0.01, Frames.Tcp(Collector, 514, Bmc, 40000, Frames.Syn | Frames.Ack, seq: 90, ack: 11));
        for (var i = 0; i < stream.Length; i += 5)
        {
            b.Add(0.02 + (i * 0.001), Frames.Tcp(Bmc, 40000, Collector, 514, Frames.Ack | Frames.Psh, seq: (uint)(11 + i), ack: 91, payload: stream[i..Math.Min(stream.Length, i + 5)]));
        }

        var flow = Assert.Single(Analyze.Capture(b).Events.Flows);
        Assert.Equal("2", flow.Field("syslog.messages"));
        Assert.Equal("authpriv", flow.Field("syslog.facility"));
        Assert.Equal("notice,info", flow.Field("syslog.severity"));
        Assert.Equal("rfc3164,rfc5424", flow.Field("syslog.format"));
    }

    [Fact]
    public void SyslogOnAnotherPortIsFoundByContentAndABareBracketIsNot()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Bmc, 40000, Collector, 5140, Ascii("<30>Mar  1 12:00:00 bmc ipmi: SEL event")))
            .Add(1, Frames.Udp(Bmc, 40001, Collector, 5141, Ascii("<30>hello")));
        var flows = Analyze.Capture(b).Events.Flows;
        Assert.Equal("syslog", flows.Single(f => f.RespPort == 5140).Service);
        Assert.Null(flows.Single(f => f.RespPort == 5141).Service);
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public bool RandomPayloadsOnPort514NeverThrow(byte[][] payloads)
    {
        var b = new PcapBuilder();
        var t = 0.0;
        uint seq = 1;
        foreach (var p in payloads.Take(20))
        {
            byte[] data = p.Length % 3 == 0 ? [.. "<13>"u8, .. p.Take(1000)] : p.Length % 3 == 1 ? [.. "12 <1"u8, .. p.Take(1000)] : p.Take(1000).ToArray();
            b.Add(t += 0.1, Frames.Udp(Bmc, 40000, Collector, 514, data));
            b.Add(t += 0.1, Frames.Tcp(Bmc, 40000, Collector, 514, Frames.Ack | Frames.Psh, seq: seq, payload: data));
            seq += (uint)data.Length + (uint)(p.Length % 5 == 0 ? 3 : 0); // sometimes a gap
        }

        Analyze.Capture(b);
        return true;
    }
}
