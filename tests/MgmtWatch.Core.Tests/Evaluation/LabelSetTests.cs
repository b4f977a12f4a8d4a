using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Evaluation;

namespace MgmtWatch.Core.Tests.Evaluation;

public class LabelSetTests
{
    private const string Header = "campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port,description";

    private static HostAddress Ip(string s)
    {
        Assert.True(HostAddress.TryParse(s, out var a));
        return a;
    }

    private static long T(string iso) => (DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    [Fact]
    public void ParsesRowsWithWildcardsAndQuotedDescriptions()
    {
        var labels = LabelSet.Parse(new StringReader(Header + "\n" +
            "c01-scan,asf-scan,2026-03-02T10:00:00.000000Z,2026-03-02T10:05:00.000000Z,udp,10.0.9.9,*,*,623,\"pings, then \"\"caps\"\" probes\"\n"), "t");
        var row = Assert.Single(labels.Rows);
        Assert.Equal(("c01-scan", "asf-scan"), (row.Campaign, row.Attack));
        Assert.Null(row.DestinationIp);
        Assert.Equal((ushort)623, row.DestinationPort);
        Assert.Equal("pings, then \"caps\" probes", row.Description);
        Assert.True(labels.IsMalicious(Ip("10.0.9.9"), 40000, Ip("10.0.0.5"), 623, IpProtocol.Udp, T("2026-03-02T10:01:00Z"), T("2026-03-02T10:01:01Z")));
        Assert.True(labels.IsMalicious(Ip("10.0.0.5"), 623, Ip("10.0.9.9"), 40000, IpProtocol.Udp, T("2026-03-02T10:01:00Z"), T("2026-03-02T10:01:01Z")));
        Assert.False(labels.IsMalicious(Ip("10.0.9.9"), 40000, Ip("10.0.0.5"), 161, IpProtocol.Udp, T("2026-03-02T10:01:00Z"), T("2026-03-02T10:01:01Z")));
        Assert.False(labels.IsMalicious(Ip("10.0.9.9"), 40000, Ip("10.0.0.5"), 623, IpProtocol.Udp, T("2026-03-02T11:00:00Z"), T("2026-03-02T11:00:01Z")));
    }

    [Fact]
    public void SweepRowsMatchEveryTargetInThePrefixAndIcmpIgnoresPorts()
    {
        var labels = LabelSet.Parse(new StringReader(Header + "\n" +
            "c06-asf-scan,asf-scan,2026-03-02T10:00:00.000000Z,2026-03-02T10:00:05.000000Z,udp,172.28.213.84,*,172.28.212.0/23,623,sweep\n" +
            "c06-asf-scan,asf-scan,2026-03-02T10:00:00.000000Z,2026-03-02T10:00:05.000000Z,icmp,172.28.213.84,*,172.28.212.0/23,*,unreachables\n"), "t");
        var t = T("2026-03-02T10:00:01Z");
        Assert.True(labels.IsMalicious(Ip("172.28.213.84"), 50000, Ip("172.28.213.250"), 623, IpProtocol.Udp, t, t));
        Assert.True(labels.IsMalicious(Ip("172.28.212.7"), 3, Ip("172.28.213.84"), 3, IpProtocol.Icmp, t, t));
        Assert.False(labels.IsMalicious(Ip("172.28.213.84"), 50000, Ip("172.28.214.1"), 623, IpProtocol.Udp, t, t));
        Assert.False(labels.IsMalicious(Ip("172.28.213.84"), 50000, Ip("172.28.212.9"), 161, IpProtocol.Udp, t, t));
    }

    [Fact]
    public void AlertsMatchByHostsAndOnRowsWithAnyHostByPortsToo()
    {
        var labels = LabelSet.Parse(new StringReader(Header + "\n" +
            "c10-firmware-push-unusual,firmware-push-unusual,2026-03-02T10:00:00.000000Z,2026-03-02T10:00:00.000000Z,tcp,10.0.0.5,443,*,*,new certificate\n" +
            "c08-lateral-movement,lateral-movement,2026-03-02T10:00:00.000000Z,2026-03-02T10:00:05.000000Z,tcp,10.0.0.7,*,10.0.0.5,22,ssh\n"), "t");
        var (identity, lateral) = (labels.Rows[0], labels.Rows[1]);
        var t = T("2026-03-02T10:04:00Z");
        var slack = EvaluationSink.AlertSlack.Ticks * 100;

        // The server's alert on the row's port, towards any client, in either orientation; or one naming no port.
        Assert.True(identity.MatchesAlert(Ip("10.0.0.5"), 443, Ip("10.0.0.16"), 59987, t, slack));
        Assert.True(identity.MatchesAlert(Ip("10.0.0.16"), 59987, Ip("10.0.0.5"), 443, t, slack));
        Assert.True(identity.MatchesAlert(Ip("10.0.0.5"), null, Ip("10.0.0.16"), null, t, slack));

        // Another campaign's alert on the same server, on another port, is not about this row.
        Assert.False(identity.MatchesAlert(Ip("10.0.9.9"), 40000, Ip("10.0.0.5"), 623, t, slack));
        Assert.False(identity.MatchesAlert(Ip("10.0.0.5"), 443, Ip("10.0.0.16"), 59987, T("2026-03-02T10:20:00Z"), slack));

        // A row naming both hosts takes any alert between them, whatever the ports.
        Assert.True(lateral.MatchesAlert(Ip("10.0.0.5"), 80, Ip("10.0.0.7"), 41000, t, slack));
        Assert.False(lateral.MatchesAlert(Ip("10.0.0.5"), 22, Ip("10.0.0.8"), 41000, t, slack));
    }

    [Theory]
    [InlineData("not,the,header\n", "line 1")]
    [InlineData(Header + "\nc,a,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z,udp,10.0.9.9,*,*,623\n", "line 2: expected 10 fields, found 9")]
    [InlineData(Header + "\nc,a,yesterday,2026-03-02T10:05:00Z,udp,10.0.9.9,*,*,623,d\n", "labels.csv: line 2")]
    [InlineData(Header + "\nc,a,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z,udp,10.0.9.300,*,*,623,d\n", "not an address")]
    [InlineData(Header + "\nc,a,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z,udp,10.0.9.1/8,*,*,623,d\n", "'10.0.9.1/8'")]
    public void MalformedLabelsNameTheLine(string text, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => LabelSet.Parse(new StringReader(text), "labels.csv"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
