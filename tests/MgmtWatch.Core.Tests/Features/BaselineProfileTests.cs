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

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"hosts":["10.0.0.1","not-an-address"]}""")]
    [InlineData("""{"pairs":["10.0.0.1"]}""")]
    public void MalformedProfileIsRefused(string json)
    {
        Assert.Throws<InvalidDataException>(() => BaselineProfile.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }
}
