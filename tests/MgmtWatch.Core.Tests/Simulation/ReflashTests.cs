using System.Net;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Evaluation;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Simulation;

/// <summary>
/// The firmware-push attack's reflash, read back through the pipeline: every server presents one certificate,
/// one SSH host key and one BMC GUID for the whole capture, except the flashed BMC, which comes back from its
/// reboot with a new certificate and host key (its GUID is the board's and stays); the labels name the first
/// handshake that shows each, and the identity rule's alert is credited to the campaign.
/// </summary>
public class ReflashTests
{
    // Seed 15's flashed BMC speaks TLS 1.2 (its certificate is visible) and is reached over SSH after the reboot.
    private static readonly SimulationOptions Site = Simulated.SmallAttackSite(15);

    [Fact]
    public void OnlyTheFlashedBmcChangesKeysAndOnlyAtItsReboot()
    {
        var (pcap, labels, _) = Simulated.Write(Site);
        var rows = LabelsFile.Read(labels).Where(r => r.Attack == "firmware-push-unusual").ToList();
        var upload = Assert.Single(rows, r => r.DestinationIp != "*");
        var flashed = HostAddress.FromIPAddress(IPAddress.Parse(upload.DestinationIp));
        var newCertificate = Assert.Single(rows, r => r is { DestinationIp: "*", SourcePort: 443 });
        var newHostKey = Assert.Single(rows, r => r is { DestinationIp: "*", SourcePort: 22 });
        Assert.Equal(upload.DestinationIp, newCertificate.SourceIp);
        Assert.Equal(upload.DestinationIp, newHostKey.SourceIp);

        var records = Analyze.File(pcap).Events.Records;
        foreach (var field in new[] { "tls.fingerprint", "ssh.host_key_fingerprint", "ipmi.bmc_guid" })
        {
            var byServer = records.Where(r => r.Field(field) is not null).GroupBy(r => (r.RespHost, r.RespPort));
            Assert.NotEmpty(byServer);
            foreach (var server in byServer)
            {
                var ordered = server.OrderBy(r => r.Start).ToList();
                var distinct = ordered.Select(r => r.Field(field)).Distinct().ToList();
                if (server.Key.RespHost != flashed || field == "ipmi.bmc_guid")
                {
                    Assert.True(distinct.Count == 1, $"{server.Key} presents {distinct.Count} values of {field}");
                    continue;
                }

                // The first handshake that shows the new key is the one the label row names, and the old
                // key is never seen after it.
                var row = field == "tls.fingerprint" ? newCertificate : newHostKey;
                var at = Ticks(row.Start);
                var newKey = ordered[^1].Field(field);
                var changed = ordered.FindIndex(r => r.Field(field) == newKey);
                Assert.True(ordered[changed].Start <= at && at <= ordered[changed].End, $"{field}: the row's moment {row.Start:O} is not in the first flow showing the new key");
                Assert.All(ordered.Take(changed), r => Assert.True(r.End < at, $"{field}: the old key after the reboot"));
                Assert.All(ordered.Skip(changed), r => Assert.Equal(newKey, r.Field(field)));
            }
        }

        // Both keys were seen before the reboot too, so the change is visible on the wire.
        Assert.Contains(records, r => r.RespHost == flashed && r.RespPort == 443 && r.Field("tls.fingerprint") is not null && r.End < Ticks(newCertificate.Start));
    }

    [Fact]
    public void TheCertificateAlertIsCreditedToTheCampaign()
    {
        var (pcap, labels, _) = Simulated.Write(Site);
        var set = LabelSet.Load(labels);
        var alerts = Analyze.File(pcap).Events.Alerts;
        var alert = Assert.Single(alerts, a => a.SignatureId == 9103003);
        var campaign = set.Rows.Where(r => r.Attack == "firmware-push-unusual").ToList();
        var flashed = campaign.Single(r => r.DestinationIp is not null && r.DestinationPort == 443 && r.SourcePort is null).DestinationIp!.Value.Network;
        Assert.Equal(flashed, alert.Source);
        Assert.Contains(campaign, r => r.SourcePort == 443 && r.DestinationIp is null && r.MatchesAlert(alert.Source, alert.SourcePort, alert.Destination, alert.DestinationPort, alert.Timestamp, EvaluationSink.AlertSlack.Ticks * 100));
        Assert.DoesNotContain(alerts, a => a.SignatureId is 9104001 or 9101014 && a.Source != flashed);
    }

    private static long Ticks(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
