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

    [Theory]
    [InlineData("not,the,header\n", "line 1")]
    [InlineData(Header + "\nc,a,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z,udp,10.0.9.9,*,*,623\n", "line 2 has 9 fields")]
    [InlineData(Header + "\nc,a,yesterday,2026-03-02T10:05:00Z,udp,10.0.9.9,*,*,623,d\n", "line 2: 'yesterday'")]
    [InlineData(Header + "\nc,a,2026-03-02T10:00:00Z,2026-03-02T10:05:00Z,udp,10.0.9.300,*,*,623,d\n", "not an address")]
    public void MalformedLabelsNameTheLine(string text, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => LabelSet.Parse(new StringReader(text), "labels.csv"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
