using System.Net;
using MgmtWatch.Core.Simulation;

namespace MgmtWatch.Core.Tests.Simulation;

/// <summary>
/// The label file format (documented on <see cref="LabelsFile"/>): header, ISO 8601 UTC microsecond
/// timestamps, '*' ports, CIDR prefixes for sweeps, RFC 4180 quoting, and the matching rule.
/// </summary>
public class LabelsFileTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 13, 5, 12, TimeSpan.Zero);

    private static LabelRow Row(string src = "10.0.0.5", int? sport = null, string dst = "192.0.2.7", int? dport = 443, string proto = "tcp") =>
        new("c01-implant-beacon", "implant-beacon", T, T.AddMinutes(10), proto, src, sport, dst, dport, "a beacon, every 60 s");

    [Fact]
    public void WrittenFileHasTheHeaderAndMicrosecondUtcTimesAndQuotesCommas()
    {
        var writer = new StringWriter();
        LabelsFile.Write(writer, [Row() with { Start = T.AddTicks(1_234_560) }]);
        var lines = writer.ToString().Split('\n');
        Assert.Equal("campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port,description", lines[0]);
        Assert.Equal("c01-implant-beacon,implant-beacon,2026-03-02T13:05:12.123456Z,2026-03-02T13:15:12.000000Z,tcp,10.0.0.5,*,192.0.2.7,443,\"a beacon, every 60 s\"", lines[1]);
        Assert.Equal("", lines[2]);
    }

    [Fact]
    public void RowsSurviveARoundTrip()
    {
        var rows = new[] { Row(), Row("10.1.2.3", 5353, "10.9.0.0/24", null, "udp") with { Description = "say \"hi\"" } };
        var writer = new StringWriter();
        LabelsFile.Write(writer, rows);
        var read = LabelsFile.Read(new StringReader(writer.ToString()));
        Assert.Equal(rows, read);
    }

    [Fact]
    public void AFlowMatchesInEitherDirectionWithinTheWindow()
    {
        var row = Row();
        var a = IPAddress.Parse("10.0.0.5");
        var b = IPAddress.Parse("192.0.2.7");
        Assert.True(row.Matches("tcp", a, 40000, b, 443, T.AddMinutes(1), T.AddMinutes(2)));
        Assert.True(row.Matches("TCP", b, 443, a, 40000, T.AddMinutes(1), T.AddMinutes(2)));
        Assert.True(row.Matches("tcp", a, 1, b, 443, T.AddMinutes(-5), T)); // touches the start: inclusive
        Assert.False(row.Matches("tcp", a, 1, b, 443, T.AddMinutes(-5), T.AddTicks(-10)));
        Assert.False(row.Matches("tcp", a, 1, b, 443, T.AddMinutes(10).AddTicks(10), T.AddHours(1)));
        Assert.False(row.Matches("udp", a, 1, b, 443, T, T));
        Assert.False(row.Matches("tcp", a, 1, b, 8443, T, T));
        Assert.False(row.Matches("tcp", a, 443, b, 1, T, T)); // ports belong to their addresses
    }

    [Fact]
    public void PrefixesCoverSweepsAndIcmpIgnoresPorts()
    {
        var row = Row("10.9.0.200", null, "10.9.0.0/24", null, "icmp");
        Assert.True(row.Matches("icmp", IPAddress.Parse("10.9.0.17"), 3, IPAddress.Parse("10.9.0.200"), 3, T, T));
        Assert.False(row.Matches("icmp", IPAddress.Parse("10.9.1.17"), 3, IPAddress.Parse("10.9.0.200"), 3, T, T));
        var exact = Row("10.9.0.200", 40000, "10.9.0.0/24", 161, "udp");
        Assert.True(exact.Matches("udp", IPAddress.Parse("10.9.0.200"), 40000, IPAddress.Parse("10.9.0.44"), 161, T, T));
        Assert.False(exact.Matches("udp", IPAddress.Parse("10.9.0.200"), 40001, IPAddress.Parse("10.9.0.44"), 161, T, T));
    }

    [Theory]
    [InlineData("campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port\n", "line 1")]
    [InlineData(LabelsFile.Header + "\nc01,a,2026-03-02T13:05:12.000000Z,2026-03-02T13:05:12.000000Z,sctp,10.0.0.1,*,10.0.0.2,1,x\n", "line 2: proto")]
    [InlineData(LabelsFile.Header + "\nc01,a,2026-03-02T13:05:12.000000Z,2026-03-02T13:05:12.000000Z,tcp,10.0.0.1,http,10.0.0.2,1,x\n", "line 2: 'http'")]
    [InlineData(LabelsFile.Header + "\nc01,a,2026-03-02T13:05:12.000000Z,2026-03-02T13:05:12.000000Z,tcp,10.0.0.300,*,10.0.0.2,1,x\n", "line 2: '10.0.0.300'")]
    [InlineData(LabelsFile.Header + "\nc01,a,yesterday,2026-03-02T13:05:12.000000Z,tcp,10.0.0.1,*,10.0.0.2,1,x\n", "line 2")]
    [InlineData(LabelsFile.Header + "\nc01,a,2026-03-02T13:05:12.000000Z\n", "line 2: expected 10 fields")]
    public void BadFilesAreRefusedNamingTheLine(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => LabelsFile.Read(new StringReader(text)));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
