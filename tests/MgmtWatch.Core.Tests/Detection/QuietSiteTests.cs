using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Detection;

/// <summary>
/// Every rule (protocol analyzers' and behaviour rules, no model) stays silent on a whole normal day of
/// simulated sites: pollers, reboots, DHCP renewals, admin SSH, web UI with directory logins, KVM and
/// virtual media in working hours, firmware updates in the change window. The sites are those of the
/// README's evaluation, smaller (their BMCs log in to the directory over LDAPS or not at all). A site whose
/// BMCs log in over cleartext LDAP gets exactly that finding, once a day per BMC and directory.
/// </summary>
public class QuietSiteTests
{
    [Theory]
    [InlineData(101)]
    [InlineData(202)]
    [InlineData(303)]
    public void NoRuleFiresOnANormalDay(int seed)
    {
        var (pcap, _, result) = Simulated.Write(new SimulationOptions
        {
            Seed = seed,
            Bmcs = 8,
            Start = new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero),
            Duration = TimeSpan.FromHours(24),
        });
        var (events, summary) = Analyze.File(pcap);
        Assert.Equal(result.Packets, summary.Packets);
        Assert.True(events.Flows.Count > 1000, $"{events.Flows.Count} flows");
        Assert.Empty(events.Alerts.Select(a => $"{a.SignatureId} {a.Source} -> {a.Destination}: {a.Description}"));
    }

    [SkippableFact]
    public void CleartextDirectoryLoginsAreTheOnlyFindingOnceADayPerBmcAndDirectory()
    {
        Tshark.SkipUnlessInstalled();
        var (pcap, _, _) = Simulated.Write(new SimulationOptions
        {
            Seed = 7, // a site whose BMCs bind to its directory on 389
            Bmcs = 8,
            Start = new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero),
            Duration = TimeSpan.FromHours(24),
        });
        var expected = Tshark.Fields(pcap, "ldap.bindRequest_element && ldap.simple", ["ip.src", "ip.dst", "ldap.simple"])
            .Where(r => r[2].Length > 0).Select(r => $"{r[0]} -> {r[1]}").Distinct().Order().ToList();
        Assert.NotEmpty(expected);

        var (events, _) = Analyze.File(pcap);
        Assert.All(events.Alerts, a => Assert.Equal(Signatures.LdapPasswordInClear.Id, a.SignatureId));
        Assert.Equal(expected, events.Alerts.Select(a => $"{a.Source} -> {a.Destination}").Order().ToList());
    }
}
