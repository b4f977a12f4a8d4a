using System.Globalization;
using System.Net;
using MgmtWatch.Core.Analyzers.Dns;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Analyzers.Dns.DnsPackets;

namespace MgmtWatch.Core.Tests.Analyzers.Dns;

public class DnsAnalyzerTests
{
    private const string Bmc = "10.9.0.15";
    private const string Resolver = "10.0.0.53";

    /// <summary>Shannon entropy computed independently of the analyzer (case-folded, as documented).</summary>
    private static double Entropy(string s) => s.ToLowerInvariant().GroupBy(c => c)
        .Sum(g => -((double)g.Count() / s.Length) * Math.Log2((double)g.Count() / s.Length));

    [SkippableFact]
    public void ZeekDns53ResponseGivesTheQuestionAndAnswerFacts()
    {
        RepoPaths.SkipUnlessShared();
        var flow = Assert.Single(Analyze.File(Path.Combine(RepoPaths.SharedPcaps, "dns", "zeek-dns53.pcap")).Events.Flows);
        Assert.Equal("dns", flow.Service);
        Assert.Equal("us.v27.distributed.net", flow.Field("dns.query")); // tshark: dns.qry.name
        Assert.Equal("A", flow.Field("dns.qtype"));
        Assert.Equal("NOERROR", flow.Field("dns.rcode"));
        Assert.Equal("8", flow.Field("dns.answers")); // tshark: Answer RRs: 8
        Assert.Equal("4", flow.Field("dns.labels"));
        Assert.Equal("11", flow.Field("dns.max_label_len")); // "distributed"
        Assert.Equal(Entropy("distributed").ToString("F2", CultureInfo.InvariantCulture), flow.Field("dns.label_entropy"));
        Assert.Equal("1", flow.Field("dns.responses"));
    }

    [SkippableFact]
    public void NtpSyncLookupOfThePoolIsDnsWithoutAlerts()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Path.Combine(RepoPaths.SharedPcaps, "ntp", "zeek-NTP_sync.pcap"));
        var dns = Assert.Single(events.Flows, f => f.Service == "dns");
        Assert.Equal("us.pool.ntp.org", dns.Field("dns.query"));
        Assert.Equal("15", dns.Field("dns.answers"));
        Assert.Equal("1", dns.Field("dns.queries"));
        Assert.Empty(events.Alerts);
        Assert.Empty(events.Anomalies);
    }

    [SkippableFact]
    public void NdpiBadPacketsAreHeldFragmentsAndNeverThrow()
    {
        RepoPaths.SkipUnlessShared();
        var (events, summary) = Analyze.File(Path.Combine(RepoPaths.SharedPcaps, "malformed", "ndpi-badpackets.pcap"));
        Assert.Equal(93, summary.Packets);
        Assert.All(events.Anomalies, a => Assert.Equal("IPV4_TRUNC_PKT", a.Event));
    }

    [SkippableFact]
    public void NdpiBadPacketsReframedAsWholeDatagramsAreTruncatedDnsAnomalies()
    {
        // The 93 responses are first fragments whose rest was never captured, so the decoder holds them.
        // Re-framed as complete datagrams of the bytes captured, they are DNS messages cut short.
        RepoPaths.SkipUnlessShared();
        var b = new PcapBuilder();
        using (var source = new CaptureFileSet([Path.Combine(RepoPaths.SharedPcaps, "malformed", "ndpi-badpackets.pcap")], MergeOrder.Time))
        {
            var t = 0.0;
            while (source.MoveNext())
            {
                var f = source.Data;
                var ihl = (f[14] & 0x0F) * 4;
                var udp = 14 + ihl;
                var src = new IPAddress(f.Slice(26, 4)).ToString();
                var dst = new IPAddress(f.Slice(30, 4)).ToString();
                var dport = (ushort)((f[udp + 2] << 8) | f[udp + 3]);
                b.Add(t += 1, Frames.Udp(src, 53, dst, dport, f[(udp + 8)..].ToArray()));
            }
        }

        var (events, _) = Analyze.Capture(b);
        Assert.Equal(93, events.Anomalies.Count);
        Assert.Equal(["DNS_HEADER_TRUNCATED", "DNS_NAME_TRUNCATED", "DNS_QUESTION_TRUNCATED", "DNS_RR_TRUNCATED"], events.Anomalies.Select(a => a.Event).Distinct().Order());
        Assert.Contains(events.Flows, f => f.Service == "dns");
    }

    [Fact]
    public void IodineStyleNullQueriesWithBase32LabelsRaiseOneAlert()
    {
        var random = new Random(7);
        const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";
        var b = new PcapBuilder();
        for (var i = 0; i < 40; i++)
        {
            var label = new string(Enumerable.Range(0, 52).Select(_ => Base32[random.Next(32)]).ToArray());
            b.Add(i * 0.05, Frames.Udp(Bmc, 40000, Resolver, 53, Query((ushort)i, $"{label}.t.tunnel-example.com", Null)));
        }

        var (events, _) = Analyze.Capture(b);
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.DnsTunnelling.Id, alert.SignatureId);
        Assert.Contains(alert.Evidence!, e => e is { Key: "dns.domain", Value: "tunnel-example.com" });
        var flow = Assert.Single(events.Flows);
        Assert.Equal("NULL", flow.Field("dns.qtype"));
        Assert.Equal("52", flow.Field("dns.max_label_len"));
        Assert.Equal("40", flow.Field("dns.queries"));
    }

    [Fact]
    public void DnscatStyleTxtQueriesFromManySourcePortsRaiseOneAlert()
    {
        var random = new Random(11);
        var b = new PcapBuilder();
        for (var i = 0; i < 25; i++)
        {
            var hex = Convert.ToHexStringLower(Enumerable.Range(0, 30).Select(_ => (byte)random.Next(256)).ToArray());
            b.Add(i * 0.2, Frames.Udp(Bmc, (ushort)(50000 + i), Resolver, 53, Query((ushort)i, $"{hex}.dnscat.example.co.uk", Txt)));
        }

        var alert = Assert.Single(Analyze.Capture(b).Events.Alerts);
        Assert.Contains(alert.Evidence!, e => e is { Key: "dns.domain", Value: "example.co.uk" });
    }

    [Fact]
    public void RepeatsOfOneLongNameAndNineteenDistinctOnesStayBelowTheThreshold()
    {
        var longLabel = new string('q', 45);
        var b = new PcapBuilder();
        for (var i = 0; i < 30; i++)
        {
            b.Add(i, Frames.Udp(Bmc, 40000, Resolver, 53, Query((ushort)i, $"{longLabel}.cdn.example.net")));
        }

        for (var i = 0; i < 19; i++)
        {
            b.Add(40 + i, Frames.Udp(Bmc, 40001, Resolver, 53, Query((ushort)i, $"x{i}.example.org", Txt)));
        }

        Assert.Empty(Analyze.Capture(b).Events.Alerts);
    }

    [Fact]
    public void OrdinaryLookupsRaiseNothing()
    {
        string[] names = ["ntp1.example.com", "syslog.example.com", "ldap.corp.example.com", "repo.vendor.example.net", "time.example.org"];
        var b = new PcapBuilder();
        for (var i = 0; i < 100; i++)
        {
            var name = names[i % names.Length];
            b.Add(i, Frames.Udp(Bmc, (ushort)(40000 + i), Resolver, 53, Query((ushort)i, name)));
            b.Add(i + 0.01, Frames.Udp(Resolver, 53, Bmc, (ushort)(40000 + i), Response((ushort)i, name, 2)));
        }

        var (events, _) = Analyze.Capture(b);
        Assert.Empty(events.Alerts);
        Assert.Empty(events.Anomalies);
        Assert.All(events.Flows, f => Assert.Equal("dns", f.Service));
    }

    [Fact]
    public void APointerLoopAndAnOverlongNameAreAnomalies()
    {
        // Answer owner: a pointer to itself (offset 29 after a 12-byte header and a 13-byte question).
        byte[] loop = [.. Header(1, 0x8180, 1, 1), .. Name("a.example"), 0, 1, 0, 1, 0xC0, 29, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0];
        var longName = string.Join('.', Enumerable.Repeat(new string('x', 63), 4)); // 4 × 64 + 1 = 257 octets
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Resolver, 53, Bmc, 40000, loop))
            .Add(1, Frames.Udp(Bmc, 40001, Resolver, 53, Query(2, longName)))
            .Add(2, Frames.Udp(Bmc, 40002, Resolver, 53, [.. Header(3, 0x0100, 1, 0), 0x40, 1, 2, 0, 0, 1, 0, 1]));
        Assert.Equal(["DNS_POINTER_INVALID", "DNS_NAME_TOO_LONG", "DNS_LABEL_BAD_TYPE"], Analyze.Capture(b).Events.Anomalies.Select(a => a.Event));
    }

    [Fact]
    public void QueryNamesAreEscapedAndCapped()
    {
        byte[] weird = [.. Header(1, 0x0100, 1, 0), 5, (byte)'a', 0x01, (byte)'.', (byte)'\\', 0xE9, 3, (byte)'c', (byte)'o', (byte)'m', 0, 0, 1, 0, 1];
        var flow = Assert.Single(Analyze.Capture(new PcapBuilder().Add(0, Frames.Udp(Bmc, 40000, Resolver, 53, weird))).Events.Flows);
        Assert.Equal("a\\001\\.\\\\\\233.com", flow.Field("dns.query"));
        var labels = Enumerable.Range(0, 63).SelectMany(_ => new byte[] { 1, 0x07 }).ToArray(); // 63 one-octet labels: 252 chars escaped
        Assert.Equal(DnsAnalyzer.MaxQueryChars, DnsNames.Format(labels, DnsAnalyzer.MaxQueryChars).Length);
    }

    [Theory]
    [InlineData("a.b.example.co.uk", "example.co.uk")]
    [InlineData("x.abc.io", "abc.io")]
    [InlineData("data.t.co", "t.co")]
    [InlineData("wpad", "wpad")]
    [InlineData("host.example.com", "example.com")]
    public void RegistrableDomainIsApproximatedFromTheLastLabels(string name, string expected)
    {
        var labels = Name(name).AsSpan()[..^1];
        Assert.Equal(expected, DnsNames.Format(labels[DnsNames.RegistrableDomainStart(labels)..], 255));
    }

    [Fact]
    public void DnsOverTcpIsFramedAcrossSegments()
    {
        byte[] query = Query(9, "bmc.example.com");
        byte[] response = Response(9, "bmc.example.com", 1);
        byte[] q = [(byte)(query.Length >> 8), (byte)query.Length, .. query];
        byte[] r = [(byte)(response.Length >> 8), (byte)response.Length, .. response];
        var b = new PcapBuilder()
            .Add(0, Frames.Tcp(Bmc, 40000, Resolver, 53, Frames.Syn, seq: 100))
            .Add(0.001, Frames.Tcp(Resolver, 53, Bmc, 40000, Frames.Syn | Frames.Ack, seq: 500, ack: 101))
            .Add(0.002, Frames.Tcp(Bmc, 40000, Resolver, 53, Frames.Ack | Frames.Psh, seq: 101, ack: 501, payload: q[..5]))
            .Add(0.003, Frames.Tcp(Bmc, 40000, Resolver, 53, Frames.Ack | Frames.Psh, seq: 106, ack: 501, payload: q[5..]))
            .Add(0.004, Frames.Tcp(Bmc, 40000, Resolver, 53, Frames.Ack | Frames.Psh, seq: 106, ack: 501, payload: q[5..])) // retransmission
            .Add(0.005, Frames.Tcp(Resolver, 53, Bmc, 40000, Frames.Ack | Frames.Psh, seq: 501, ack: (uint)(101 + q.Length), payload: r))
            .Add(0.006, Frames.Tcp(Bmc, 40000, Resolver, 53, Frames.Ack | Frames.Psh, seq: (uint)(101 + q.Length), ack: 501, payload: [0, 4, 1, 2, 3, 4]));
        var (events, _) = Analyze.Capture(b);
        var flow = Assert.Single(events.Flows);
        Assert.Equal("dns", flow.Service);
        Assert.Equal("bmc.example.com", flow.Field("dns.query"));
        Assert.Equal("1", flow.Field("dns.queries"));
        Assert.Equal("1", flow.Field("dns.answers"));
        Assert.Equal(["DNS_TCP_LENGTH_TOO_SHORT"], events.Anomalies.Select(a => a.Event));
    }

    [Fact]
    public void QueriesOnAnotherPortAreFoundByContentAndNoiseIsNot()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Bmc, 40000, Resolver, 5300, Query(1, "bmc.example.com")))
            .Add(1, Frames.Udp(Bmc, 40001, Resolver, 5301, [.. Header(1, 0x0100, 1, 0), 3, 1, 2, 3, 0, 0, 1, 0, 1]));
        var flows = Analyze.Capture(b).Events.Flows;
        Assert.Equal("dns", flows.Single(f => f.RespPort == 5300).Service);
        Assert.Null(flows.Single(f => f.RespPort == 5301).Service);
    }

    [Fact]
    public void FlowLogNamesTheService()
    {
        var b = new PcapBuilder().Add(0, Frames.Udp(Bmc, 40000, Resolver, 53, Query(1, "bmc.example.com")));
        var (flowLog, _) = FlowLogText.Of(b.WriteTemp());
        Assert.Contains("\"service\":\"dns\"", flowLog, StringComparison.Ordinal);
        Assert.Contains("\"mgmtwatch.dns.query\":\"bmc.example.com\"", flowLog, StringComparison.Ordinal);
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public bool RandomPayloadsOnPort53NeverThrow(byte[][] payloads)
    {
        var b = new PcapBuilder();
        var t = 0.0;
        uint seq = 1;
        foreach (var p in payloads.Take(20))
        {
            var data = p.Take(1400).ToArray();
            if (p.Length % 2 == 0)
            {
                b.Add(t += 0.1, Frames.Udp(Bmc, 40000, Resolver, 53, data));
            }
            else
            {
                b.Add(t += 0.1, Frames.Tcp(Bmc, 40000, Resolver, 53, Frames.Ack | Frames.Psh, seq: seq, payload: data));
                seq += (uint)data.Length;
            }
        }

        Analyze.Capture(b);
        return true;
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool MutatedMessagesNeverThrowTheParser(byte flip, byte position, byte cut)
    {
        var seed = Response(1, "www.example.com", 3);
        var m = (byte[])seed.Clone();
        m[position % m.Length] ^= flip;
        m = m[..Math.Max(0, m.Length - (cut % 8))];
        Span<byte> name = stackalloc byte[DnsParser.NameBufferLength];
        DnsParser.Parse(m, m.Length, name, out _);
        DnsParser.Parse(m, m.Length + 3, name, out _);
        return true;
    }
}
