using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Features;

public class FlowFeatureExtractorTests
{
    private static HostAddress Ip(string s)
    {
        Assert.True(HostAddress.TryParse(s, out var a));
        return a;
    }

    private static FlowRecord Flow(string orig, string resp, ushort port, long startSeconds, double seconds = 1, ulong origBytes = 100, ulong respBytes = 300,
        uint origPackets = 2, uint respPackets = 2, byte protocol = IpProtocol.Tcp, string conn = "SF", string? service = null) => new()
        {
            OrigHost = Ip(orig),
            OrigPort = 40000,
            RespHost = Ip(resp),
            RespPort = port,
            Protocol = protocol,
            Start = startSeconds * 1_000_000_000,
            End = (startSeconds * 1_000_000_000) + (long)(seconds * 1e9),
            OrigBytes = origBytes,
            RespBytes = respBytes,
            OrigPackets = origPackets,
            RespPackets = respPackets,
            ConnState = conn,
            Service = service,
        };

    private static float[] Extract(FlowFeatureExtractor x, FlowRecord f)
    {
        var v = new float[FeatureSchema.Count];
        x.Extract(f, v);
        return v;
    }

    private static float Get(float[] v, string name) => v[FeatureSchema.IndexOf(name)];

    [Fact]
    public void FlowStatisticsHaveKnownValues()
    {
        var v = Extract(new FlowFeatureExtractor(null), Flow("10.0.0.1", "10.0.0.2", 443, 0, seconds: 2, origBytes: 100, respBytes: 300));
        Assert.Equal(Math.Log(3), Get(v, "duration"), 5);
        Assert.Equal(Math.Log(101), Get(v, "orig_bytes"), 5);
        Assert.Equal(0.25, Get(v, "orig_byte_share"), 5);
        Assert.Equal(1, Get(v, "tcp"));
        Assert.Equal(0, Get(v, "no_reply"));
    }

    [Fact]
    public void RefusedAndUnansweredFlowsAreMarked()
    {
        var x = new FlowFeatureExtractor(null);
        Assert.Equal(1, Get(Extract(x, Flow("10.0.0.1", "10.0.0.2", 22, 0, conn: "REJ")), "refused"));
        Assert.Equal(1, Get(Extract(x, Flow("10.0.0.1", "10.0.0.3", 22, 0, respPackets: 0, respBytes: 0, conn: "S0")), "no_reply"));
    }

    [Fact]
    public void FanOutCountsDistinctPeersAndPortsOfTheLastFiveMinutes()
    {
        var x = new FlowFeatureExtractor(null);
        float[] v = [];
        for (var i = 0; i < 10; i++)
        {
            v = Extract(x, Flow("10.0.0.1", $"10.0.1.{i}", (ushort)(20 + i), i));
        }

        Assert.Equal(Math.Log(11), Get(v, "orig_fanout_hosts"), 5);
        Assert.Equal(Math.Log(11), Get(v, "orig_fanout_ports"), 5);
        var later = Extract(x, Flow("10.0.0.1", "10.0.9.9", 80, 1000));
        Assert.Equal(Math.Log(2), Get(later, "orig_fanout_hosts"), 5); // the earlier ten left the window
    }

    [Fact]
    public void NoveltyIsJudgedAgainstTheBaseline()
    {
        var baseline = new BaselineProfile();
        baseline.Add(Flow("10.0.0.1", "10.0.0.2", 623, 0, protocol: IpProtocol.Udp, service: "ipmi"));
        var x = new FlowFeatureExtractor(baseline);
        var known = Extract(x, Flow("10.0.0.1", "10.0.0.2", 623, 10, protocol: IpProtocol.Udp, service: "ipmi"));
        Assert.Equal(0, Get(known, "pair_new") + Get(known, "orig_new") + Get(known, "client_service_new") + Get(known, "resp_outside_site"));

        // The BMC opens TLS to an outside address: everything about it is new.
        var implant = Extract(x, Flow("10.0.0.2", "203.0.113.77", 443, 20));
        Assert.Equal(1, Get(implant, "pair_new"));
        Assert.Equal(1, Get(implant, "resp_new"));
        Assert.Equal(1, Get(implant, "resp_outside_site"));
        Assert.Equal(0, Get(implant, "orig_outside_site"));
        Assert.Equal(1, Get(implant, "bmc_as_client_new"));
    }

    [Fact]
    public void RegularSeriesToANewDestinationIsANovelBeacon()
    {
        var x = new FlowFeatureExtractor(new BaselineProfile());
        float[] v = [];
        for (var i = 0; i < 10; i++)
        {
            v = Extract(x, Flow("10.0.0.2", "203.0.113.77", 443, i * 300L, origBytes: 500, respBytes: 900));
        }

        Assert.InRange(Get(v, "beacon"), 0.95, 1.0);
        Assert.Equal(Get(v, "beacon"), Get(v, "novel_beacon"));
    }

    [Fact]
    public void InterimRecordsDoNotCountTwiceInTheContext()
    {
        var x = new FlowFeatureExtractor(null);
        var v = new float[FeatureSchema.Count];
        var f = Flow("10.0.0.1", "10.0.0.2", 5900, 0, seconds: 3600);
        f.Reason = Core.Flows.FlowEndReason.Interim;
        x.Extract(f, v, record: false);
        x.Extract(f, v, record: false);
        Assert.Equal(0, Get(v, "series_connections"));
        f.Reason = Core.Flows.FlowEndReason.Timeout;
        x.Extract(f, v);
        Assert.Equal(Math.Log(2), Get(v, "series_connections"), 5);
    }

    [Fact]
    public void ProtocolEvidenceIsReadFromAnalyzerFields()
    {
        var x = new FlowFeatureExtractor(null);
        var dns = Flow("10.0.0.1", "10.0.0.53", 53, 0, protocol: IpProtocol.Udp, service: "dns");
        dns.Fields.AddRange([new("dns.max_label_len", "63"), new("dns.label_entropy", "4.9"), new("dns.qtype", "TXT")]);
        var v = Extract(x, dns);
        Assert.Equal(1, Get(v, "dns_label_length"), 5);
        Assert.Equal(4.9, Get(v, "dns_label_entropy"), 5);
        Assert.Equal(1, Get(v, "dns_rare_type"));

        var ipmi = Flow("10.0.0.1", "10.0.0.2", 623, 0, protocol: IpProtocol.Udp, service: "ipmi");
        ipmi.Fields.AddRange([new("ipmi.cipher_suite", "0"), new("ipmi.rakp2_without_rakp3", "9"), new("ipmi.cleartext_commands", "1")]);
        v = Extract(x, ipmi);
        Assert.Equal(1, Get(v, "ipmi_weak_session"));
        Assert.Equal(Math.Log(10), Get(v, "ipmi_incomplete_logins"), 5);
        Assert.Equal(Math.Log(2), Get(v, "ipmi_cleartext_commands"), 5);

        var strongIpmi = Flow("10.0.0.1", "10.0.0.2", 623, 0, protocol: IpProtocol.Udp, service: "ipmi");
        strongIpmi.Fields.Add(new("ipmi.cipher_suite", "17"));
        Assert.Equal(0, Get(Extract(x, strongIpmi), "ipmi_weak_session"));

        // A value that is not a number (hostile or future analyzer output) counts as nothing.
        var junk = Flow("10.0.0.1", "10.0.0.3", 161, 0, protocol: IpProtocol.Udp);
        junk.Fields.AddRange([new("snmp.unanswered_requests", "NaN"), new("snmp.set_requests", "-4"), new("dns.max_label_len", "1e30")]);
        v = Extract(x, junk);
        Assert.Equal(0, Get(v, "snmp_unanswered"));
        Assert.Equal(0, Get(v, "snmp_sets"));
        Assert.Equal(1, Get(v, "dns_label_length"));
    }

    [SkippableFact]
    public void CleartextCredentialsAndConsolesInPublicCapturesAreFeatures()
    {
        RepoPaths.SkipUnlessShared();
        var http = Features(Path.Combine(RepoPaths.SharedPcaps, "https", "zeek-http-basic-auth-with-colon.pcap"));
        Assert.Contains(http, f => Get(f.Features, "http_cleartext_auth") == 1);
        var vnc = Features(Path.Combine(RepoPaths.SharedPcaps, "kvm", "zeek-rfb-vncmac.pcap"));
        Assert.Contains(vnc, f => Get(f.Features, "kvm_session") == 1);
        var dns = Features(Path.Combine(RepoPaths.SharedPcaps, "dns", "zeek-dns53.pcap"));
        Assert.All(dns, f => Assert.Equal(0, Get(f.Features, "http_cleartext_auth") + Get(f.Features, "kvm_session") + Get(f.Features, "ipmi_weak_session")));
        Assert.Contains(dns, f => Get(f.Features, "dns_label_length") > 0);
    }

    [Fact]
    public void TlsWithoutServerNameIsMarkedFromARealHandshake()
    {
        // pcaps/tls-openssl.pcap: five openssl s_client handshakes, one of them (TLS 1.2 to 443) without SNI.
        var flows = Features(Path.Combine(RepoPaths.Pcaps, "tls-openssl.pcap"));
        Assert.Equal(5, flows.Count);
        var marked = Assert.Single(flows, f => Get(f.Features, "tls_no_sni") == 1);
        Assert.Equal(443, marked.Flow.RespPort);
        Assert.Equal("TLSv12", marked.Flow.Fields.Single(kv => kv.Key == "tls.version").Value);
    }

    private static List<(FlowRecord Flow, float[] Features)> Features(string capture)
    {
        var (events, _) = Analyze.File(capture);
        var x = new FlowFeatureExtractor(null);
        return events.Records.OrderBy(r => r.End).Select(r => (r, Extract(x, r))).ToList();
    }
}
