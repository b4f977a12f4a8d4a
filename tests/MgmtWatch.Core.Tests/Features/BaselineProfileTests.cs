using System.Text;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Features;

public class BaselineProfileTests
{
    private static HostAddress Ip(string s)
    {
        Assert.True(HostAddress.TryParse(s, out var a));
        return a;
    }

    private static BaselineProfile FromSite()
    {
        var (events, _) = Analyze.Capture(SiteCapture.Build(seed: 1, minutes: 20));
        var profile = new BaselineProfile();
        foreach (var f in events.Flows)
        {
            profile.Add(ToRecord(f));
        }

        return profile;
    }

    internal static Core.Output.FlowRecord ToRecord(FlowSnapshot f) => new()
    {
        OrigHost = Ip(f.Orig),
        OrigPort = f.OrigPort,
        RespHost = Ip(f.Resp),
        RespPort = f.RespPort,
        Protocol = f.Protocol,
        Start = f.Start,
        End = f.End,
        OrigPackets = f.OrigPackets,
        RespPackets = f.RespPackets,
        Service = f.Service,
    };

    [Fact]
    public void LearnsHostsPairsServicesAndBmcs()
    {
        var p = FromSite();
        Assert.True(p.KnowsPair(Ip(SiteCapture.Poller), Ip(SiteCapture.Bmc(0))));
        Assert.False(p.KnowsPair(Ip(SiteCapture.Bmc(0)), Ip(SiteCapture.Poller)));
        Assert.True(p.KnowsClientService(Ip(SiteCapture.Bmc(0)), "ntp"));
        Assert.True(p.KnowsServerService(Ip(SiteCapture.Bmc(0)), "udp/623"));
        Assert.True(p.IsBmc(Ip(SiteCapture.Bmc(3))));
        Assert.False(p.IsBmc(Ip(SiteCapture.Poller)));
    }

    [Fact]
    public void SiteAddressSpaceIsThePrivateNetworksOfTheBaseline()
    {
        var p = FromSite();
        Assert.True(p.IsSiteAddress(Ip("10.60.0.250")));
        Assert.False(p.IsSiteAddress(Ip("10.61.0.1")));
        Assert.False(p.IsSiteAddress(Ip("203.0.113.77")));
    }

    [Fact]
    public void SaveAndLoadRoundTrip()
    {
        var p = FromSite();
        using var ms = new MemoryStream();
        p.Save(ms);
        ms.Position = 0;
        var q = BaselineProfile.Load(ms);
        Assert.Equal(p.HostCount, q.HostCount);
        Assert.True(q.KnowsPair(Ip(SiteCapture.Poller), Ip(SiteCapture.Bmc(1))));
        Assert.Equal(p.Bmcs.Order(), q.Bmcs.Order());
        Assert.True(q.IsSiteAddress(Ip("10.60.0.1")));
    }

    /// <summary>The certificates TLS servers presented, learned from the TLS analyzer's fields on real handshakes, survive saving.</summary>
    [Fact]
    public void CertificatesOfTlsServersAreLearnedAndSurviveSaving()
    {
        var collector = new Core.Training.FlowCollector();
        Analyze.File(Path.Combine(RepoPaths.Pcaps, "tls-openssl.pcap"), new Core.Pipeline.PipelineOptions { Scorer = collector });
        var p = new BaselineProfile();
        foreach (var flow in collector.Flows)
        {
            p.Add(flow);
        }

        var presented = collector.Flows.Where(f => f.Field("tls.fingerprint") is not null).ToList();
        Assert.Equal(2, presented.Count); // the two TLS 1.2 sessions, on 443 and 8443
        using var ms = new MemoryStream();
        p.Save(ms);
        ms.Position = 0;
        var q = BaselineProfile.Load(ms);
        foreach (var flow in presented)
        {
            Assert.Equal([flow.Field("tls.fingerprint")!], q.IdentitiesOf(flow.RespHost, flow.RespPort));
        }

        Assert.Empty(q.IdentitiesOf(presented[0].RespHost, 10443)); // TLS 1.3 there: encrypted
        Assert.Empty(q.IdentitiesOf(Ip("127.0.0.2"), presented[0].RespPort)); // another server
    }

    [Fact]
    public void AProfileWrittenBeforeCertificatesLoadsWithoutThem()
    {
        var q = BaselineProfile.Load(new MemoryStream(Encoding.UTF8.GetBytes("""{"flows":1,"hosts":["10.0.0.1"]}""")));
        Assert.Empty(q.IdentitiesOf(Ip("10.0.0.1"), 443));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"hosts":["10.0.0.1","not-an-address"]}""")]
    [InlineData("""{"pairs":["10.0.0.1"]}""")]
    [InlineData("""{"server_identities":["10.0.0.1 443"]}""")]
    [InlineData("""{"server_identities":["10.0.0.1 99999 66:96:0c:c0:cd:72:10:5e:9c:5d:87:c4:9d:07:c9:7d:5f:56:f7:32"]}""")]
    [InlineData("""{"server_identities":["10.0.0.1 443 66:96:0C:c0:cd:72:10:5e:9c:5d:87:c4:9d:07:c9:7d:5f:56:f7:32"]}""")]
    [InlineData("""{"server_identities":["10.0.0.1 443 66:96:0c:c0:cd:72:10:5e:9c:5d:87:c4:9d:07:c9:7d:5f:56:f7"]}""")]
    public void MalformedProfileIsRefused(string json)
    {
        Assert.Throws<InvalidDataException>(() => BaselineProfile.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }
}
