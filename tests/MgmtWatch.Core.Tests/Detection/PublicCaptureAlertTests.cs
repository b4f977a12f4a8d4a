using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Detection;

/// <summary>
/// The rules on traffic other people recorded (../shared/pcaps-public, outside malformed/): the captures
/// that hold something a management network should never carry (passwords in clear, a SET from a host
/// never seen managing, an NTP control query, agents answering the default community) raise exactly their
/// alerts, and every other capture, normal traffic of many protocols, raises none.
/// </summary>
public class PublicCaptureAlertTests
{
    private static readonly Dictionary<string, int[]> Expected = new(StringComparer.Ordinal)
    {
        ["zeek-http-basic-auth-with-colon.pcap"] = [Signatures.HttpBasicCredentialsInClear.Id],
        ["zeek-ldap-simpleauth.pcap"] = [Signatures.LdapPasswordInClear.Id],
        ["zeek-ntpmode67.pcap"] = [Signatures.NtpControlQuery.Id],
        ["zeek-snmpv1_set.pcap"] = [Signatures.SnmpSetFromNonManager.Id],

        // One alert per agent that answered "public" (tshark: one agent in each Zeek capture, three in nDPI's).
        ["zeek-snmpv1_get.pcap"] = [Signatures.SnmpDefaultCommunity.Id],
        ["zeek-snmpwalk-short.pcap"] = [Signatures.SnmpDefaultCommunity.Id],
        ["ndpi-snmp.pcap"] = [Signatures.SnmpDefaultCommunity.Id, Signatures.SnmpDefaultCommunity.Id, Signatures.SnmpDefaultCommunity.Id],
    };

    public static TheoryData<string> Captures() => RepoPaths.SharedCaseNames(RepoPaths.SharedCaptures(includeMalformed: false), RepoPaths.SharedPcaps);

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void RulesRaiseExactlyTheExpectedAlerts(string capture)
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Path.Combine(RepoPaths.SharedPcaps, capture));
        var expected = Expected.GetValueOrDefault(Path.GetFileName(capture), []);
        Assert.Equal(expected, events.Alerts.Select(a => a.SignatureId).Order().ToArray());
    }
}
