using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Evaluation;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Simulation;

/// <summary>
/// The snmp-guess campaign through the rules: onesixtyone's unanswered guesses are one guessing alert from
/// the scanner, and the one BMC left at its shipped community answers it, which is one default-community
/// alert from that BMC; the labels credit both to the campaign.
/// </summary>
public class SnmpGuessTests
{
    [Fact]
    public void TheScanAndTheBmcThatAnswersItAreOneAlertEach()
    {
        var options = Simulated.SmallAttackSite(11);
        var (pcap, labels, _) = Simulated.Write(new SimulationOptions
        {
            Seed = options.Seed,
            Bmcs = options.Bmcs,
            Pollers = options.Pollers,
            Start = options.Start,
            Duration = TimeSpan.FromMinutes(30),
            Attacks = ["snmp-guess"],
            AttackStart = TimeSpan.FromMinutes(5),
        });
        var row = Assert.Single(LabelsFile.Read(labels));
        var (events, _) = Analyze.File(pcap);

        // The scan's flows are the attacker's; the only one a BMC answered is the open BMC's.
        var scanned = events.Records.Where(r => r.OrigHost.ToString() == row.SourceIp && r.OrigPort == row.SourcePort).ToList();
        Assert.Equal(options.Bmcs, scanned.Count);
        var answered = Assert.Single(scanned, r => r.Field("snmp.responses") is not null);
        Assert.Equal("1", answered.Field("snmp.responses"));

        var guessing = Assert.Single(events.Alerts, a => a.SignatureId == Signatures.SnmpCommunityGuessing.Id);
        Assert.Equal(row.SourceIp, guessing.Source.ToString());
        var open = Assert.Single(events.Alerts, a => a.SignatureId == Signatures.SnmpDefaultCommunity.Id);
        Assert.Equal((answered.RespHost, answered.OrigHost), (open.Source, open.Destination));

        var slack = EvaluationSink.AlertSlack.Ticks * 100;
        var campaign = LabelSet.Load(labels).Rows;
        Assert.All([guessing, open], a => Assert.Contains(campaign, r => r.MatchesAlert(a.Source, a.SourcePort, a.Destination, a.DestinationPort, a.Timestamp, slack)));
    }
}
