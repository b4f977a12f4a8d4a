using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Snmp;

/// <summary>
/// Real Net-SNMP traffic (pcaps/snmpd-loopback.pcap, recorded with pcaps/tools/capture-snmpd.sh): snmpd
/// 5.9.3 and its command-line tools, neither written by this project.
/// </summary>
public class SnmpdLoopbackTests
{
    private static readonly string Capture = Path.Combine(RepoPaths.Pcaps, "snmpd-loopback.pcap");

    /// <summary>Every credential the recording script used.</summary>
    private static readonly string[] Secrets =
        ["bmc-ro-2026", "bmc-rw-2026", "bmcadmin", "nosuchuser", "authpass-2026", "privpass-2026", "whatever-2026", "public", "private", "cisco", "admin", "manager"];

    [Fact]
    public void FiveWrongCommunitiesWithNoReplyAreOneGuessingAlertAndThePollersSetIsNot()
    {
        var (events, _) = Analyze.File(Capture);
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.SnmpCommunityGuessing.Id, alert.SignatureId);

        // The five guesses went unanswered, one flow each (snmpget picks a new port per run).
        Assert.Equal(5, events.Flows.Count(f => f.Field("snmp.pdu_types") == "get" && f.Field("snmp.unanswered_requests") == "1"));
        var set = Assert.Single(events.Flows, f => f.Field("snmp.set_requests") == "1");
        Assert.Equal("notWritable", set.Field("snmp.error_status")); // sysLocation set in snmpd.conf is read-only
    }

    [Fact]
    public void WithManagerNetworksConfiguredTheSetFromOutsideThemAlerts()
    {
        var options = new PipelineOptions { Site = new SiteSettings { ManagerNetworks = NetworkSet.Parse("10.1.0.0/24") } };
        var alerts = Analyze.File(Capture, options).Events.Alerts;
        Assert.Single(alerts, a => a.SignatureId == Signatures.SnmpSetFromNonManager.Id);
    }

    [Fact]
    public void UsmDiscoveryUnknownUserAndAuthPrivAreRecognised()
    {
        var flows = Analyze.File(Capture).Events.Flows;
        var authPriv = Assert.Single(flows, f => f.Field("snmp.encrypted_pdus") == "2");
        Assert.Equal("noAuthNoPriv,authPriv", authPriv.Field("snmp.security_level"));
        Assert.Equal("unknownEngineIDs", authPriv.Field("snmp.usm_reports"));
        Assert.Equal("8", authPriv.Field("snmp.user_len"));
        var unknown = Assert.Single(flows, f => f.Field("snmp.usm_reports") == "unknownUserNames,unknownEngineIDs");
        Assert.Equal("10", unknown.Field("snmp.user_len"));
        Assert.Equal(authPriv.Field("snmp.engine_id"), unknown.Field("snmp.engine_id"));
    }

    [Fact]
    public void NoCredentialReachesTheFlowLogOrEve()
    {
        // A copy under a neutral name: pcap_filename carries the path, which could contain any word.
        var (flowLog, eve) = FlowLogText.Of(TempFiles.Write(File.ReadAllBytes(Capture)));
        Assert.Contains("\"service\":\"snmp\"", flowLog, StringComparison.Ordinal);
        Assert.All(Secrets, s => Assert.DoesNotContain(s, flowLog + eve, StringComparison.Ordinal));
    }
}
