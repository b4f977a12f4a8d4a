using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Detection;

/// <summary>
/// Every rule (protocol analyzers' and behaviour rules, no model) stays silent on a whole normal day of
/// simulated sites: pollers, reboots, DHCP renewals, admin SSH, web UI with directory logins, KVM and
/// virtual media in working hours, firmware updates in the change window. The sites are those of the
/// README's evaluation, smaller.
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
}
