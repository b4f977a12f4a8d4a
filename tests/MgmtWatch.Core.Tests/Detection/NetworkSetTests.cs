using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Tests.Detection;

public class NetworkSetTests
{
    private static HostAddress Ip(string text) => HostAddress.TryParse(text, out var a) ? a : throw new FormatException(text);

    [Theory]
    [InlineData("10.1.0.0/16", "10.1.255.255", true)]
    [InlineData("10.1.0.0/16", "10.2.0.1", false)]
    [InlineData("0.0.0.0/0", "192.0.2.1", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::/0", "10.0.0.1", true)] // IPv4 is held IPv4-mapped, inside ::/0
    public void PrefixesMatchTheirAddresses(string prefix, string address, bool expected) =>
        Assert.Equal(expected, NetworkSet.Parse(prefix).Contains(Ip(address)));

    [Theory]
    [InlineData("10.1.2.3/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10/8")]
    [InlineData("bmc.example.com")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("fe80::1%eth0")]
    public void BadPrefixesAreRefusedWithAMessage(string prefix)
    {
        var error = NetworkSet.TryParse([prefix], out var set);
        Assert.NotNull(error);
        Assert.Contains(prefix.Split('/')[0], error, StringComparison.Ordinal);
        Assert.True(set.IsEmpty);
    }

    [Fact]
    public void TheSetIsBounded()
    {
        var many = Enumerable.Range(0, NetworkSet.MaxPrefixes + 1).Select(i => $"10.{i / 256}.{i % 256}.0/24").ToList();
        Assert.NotNull(NetworkSet.TryParse(many, out _));
        Assert.Null(NetworkSet.TryParse(many.Take(NetworkSet.MaxPrefixes), out var set));
        Assert.Equal(NetworkSet.MaxPrefixes, set.Prefixes.Count);
    }

    [Fact]
    public void SiteSettingsDefaultToUnknown() => Assert.True(SiteSettings.Default.ManagerNetworks.IsEmpty);
}
