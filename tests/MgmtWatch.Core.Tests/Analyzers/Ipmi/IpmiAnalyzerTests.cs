using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Support.RmcpPackets;

namespace MgmtWatch.Core.Tests.Analyzers.Ipmi;

/// <summary>
/// The IPMI analyzer on real captures (the ipmi_sim recording shipped in pcaps/, nDPI's Internet probes,
/// the reconstructed Gigabyte lanplus exchange) and on crafted attack captures built byte for byte as the
/// attack tools send them.
/// </summary>
public class IpmiAnalyzerTests
{
    private const string Console = "10.20.0.5";
    private const string Bmc = "10.9.0.15";

    private static PipelineOptions With(params string[] thresholds)
    {
        Assert.Null(DetectionSettings.TryParse(thresholds, out var settings));
        return new PipelineOptions { Fingerprinter = AnalyzeWithOutputs.Fingerprinter, Detection = settings };
    }

    private static int[] Sids(CollectingSink events) => [.. events.Alerts.Select(a => a.SignatureId).Order()];

    /// <summary>
    /// One RMCP+ login as ipmitool or Metasploit does it: Open Session (suite 3), RAKP1 naming
    /// <paramref name="user"/>, RAKP2, then optionally RAKP3/RAKP4. Returns the time after it.
    /// </summary>
    private static double Login(PcapBuilder b, double t, ushort port, string user, uint bmcId, byte rakp2Status = 0, bool rakp3 = true,
        byte rakp4Status = 0, uint consoleId = 0x1122_3344, string console = Console, string bmc = Bmc, double rakp3Delay = 0.001)
    {
        b.Add(t, Frames.Udp(console, port, bmc, 623, OpenSessionRequest(consoleId)));
        b.Add(t + 0.001, Frames.Udp(bmc, 623, console, port, OpenSessionResponse(consoleId, bmcId)));
        b.Add(t + 0.002, Frames.Udp(console, port, bmc, 623, Rakp1(bmcId, user)));
        b.Add(t + 0.003, Frames.Udp(bmc, 623, console, port, Rakp2(consoleId, rakp2Status)));
        if (rakp2Status == 0 && rakp3)
        {
            b.Add(t + 0.003 + rakp3Delay, Frames.Udp(console, port, bmc, 623, Rakp3(bmcId)));
            b.Add(t + 0.004 + rakp3Delay, Frames.Udp(bmc, 623, console, port, Rakp4(consoleId, rakp4Status)));
        }

        return t + 0.01 + rakp3Delay;
    }

    // ---- real captures ----

    [Fact]
    public void IpmiSimCaptureFollowsEverySessionAndRaisesOnlyTheExpectedAlerts()
    {
        var run = AnalyzeWithOutputs.File(Path.Combine(RepoPaths.Pcaps, "ipmi-sim-sessions.pcap"));
        var flows = run.Events.Flows.OrderBy(f => f.Start).ToList();
        Assert.Equal(4, flows.Count);
        Assert.All(flows, f => Assert.Equal("ipmi", f.Service));

        // 1: normal lanplus session, cipher suite 3 (the only one ipmi_sim offers), encrypted commands.
        Assert.Equal("established", flows[0].Field("ipmi.session_state"));
        Assert.Equal("1", flows[0].Field("ipmi.sessions_completed"));
        Assert.Equal("3", flows[0].Field("ipmi.cipher_suite"));
        Assert.Equal("aes_cbc_128", flows[0].Field("ipmi.confidentiality_alg"));
        Assert.Equal("14", flows[0].Field("ipmi.encrypted_messages"));
        Assert.Null(flows[0].Field("ipmi.rakp2_without_rakp3"));

        // 2: wrong password: RAKP2 without RAKP3 once, which alone is not hash harvesting.
        Assert.Equal("rakp2", flows[1].Field("ipmi.session_state"));
        Assert.Equal("1", flows[1].Field("ipmi.rakp2_without_rakp3"));
        Assert.Equal("20", flows[1].Field("ipmi.rakp2_auth_code_length"));

        // 3: cipher suite 0, commands in clear.
        Assert.Equal("0", flows[2].Field("ipmi.cipher_suite"));
        Assert.Equal("rakp_none", flows[2].Field("ipmi.auth_alg"));
        Assert.Equal("closed", flows[2].Field("ipmi.session_state"));
        Assert.Equal("7", flows[2].Field("ipmi.cleartext_commands"));
        Assert.Contains("get_device_id", flows[2].Field("ipmi.cleartext_command_names"), StringComparison.Ordinal);

        // 4: IPMI 1.5, authentication type none, after an ASF ping.
        Assert.Equal("1.5", flows[3].Field("ipmi.version"));
        Assert.Equal("none", flows[3].Field("ipmi.auth_type"));
        Assert.Equal("1", flows[3].Field("ipmi.asf_pings"));
        Assert.Equal("closed", flows[3].Field("ipmi.session_state"));

        Assert.Equal(
            [Signatures.IpmiCipherZeroOffered.Id, Signatures.IpmiCipherZeroAccepted.Id, Signatures.IpmiV15AuthNone.Id, Signatures.IpmiAnonymousLoginEnabled.Id],
            Sids(run.Events));
        Assert.Empty(run.Events.Anomalies);

        // The same user name in every flow: one fingerprint, never the name.
        Assert.Single(flows.Select(f => f.Field("ipmi.user")).Distinct());
        Assert.All(flows, f => Assert.Equal("7", f.Field("ipmi.user_length")));
        Assert.DoesNotContain("ipmiusr", run.Eve, StringComparison.Ordinal);
        Assert.DoesNotContain("ipmiusr", run.FlowLog, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void InternetProbesInTheNdpiCaptureAreParsedWithoutAlertsBecauseEachScannerProbedOneHost()
    {
        RepoPaths.SkipUnlessShared();
        var path = Path.Combine(RepoPaths.SharedPcaps, "ipmi", "ndpi-rmcp.pcap");
        var (events, _) = Analyze.File(path);
        Assert.Equal(6, events.Flows.Count);
        Assert.All(events.Flows, f => Assert.Equal("ipmi", f.Service));
        Assert.Equal(2, events.Flows.Count(f => f.Field("ipmi.asf_pings") == "1"));
        Assert.Equal(4, events.Flows.Count(f => f.Field("ipmi.version") == "1.5"));
        Assert.All(events.Flows, f => Assert.Equal("true", f.Field("ipmi.discovery_only")));
        Assert.Empty(events.Anomalies);
        Assert.Empty(events.Alerts); // six scanners, one target each: below ipmi.sweep.targets (5)

        // The probes are counted: with a threshold of one target every scanner is a sweep.
        var (lowered, _) = Analyze.File(path, With("ipmi.sweep.targets=1"));
        Assert.Equal(6, lowered.Alerts.Count(a => a.SignatureId == Signatures.IpmiDiscoverySweep.Id));
    }

    [SkippableFact]
    public void ReconstructedGigabyteLanplusSessionNegotiatesSuite17AndFingerprintsTheUser()
    {
        RepoPaths.SkipUnlessShared();
        var run = AnalyzeWithOutputs.File(Path.Combine(RepoPaths.SharedPcaps, "ipmi", "reconstructed",
            "python-ipmi-issue188-gigabyte-lanplus.RECONSTRUCTED.pcap"));
        var flow = Assert.Single(run.Events.Flows);
        Assert.Equal("ipmi", flow.Service);
        Assert.Equal("2.0", flow.Field("ipmi.version"));
        Assert.Equal("17", flow.Field("ipmi.cipher_suite"));
        Assert.Equal("rakp_hmac_sha256", flow.Field("ipmi.auth_alg"));
        Assert.Equal("hmac_sha256_128", flow.Field("ipmi.integrity_alg"));
        Assert.Equal("3,17", flow.Field("ipmi.cipher_suites_offered"));
        Assert.Equal("32", flow.Field("ipmi.rakp2_auth_code_length"));
        Assert.Equal("established", flow.Field("ipmi.session_state"));
        Assert.Equal("1", flow.Field("ipmi.sessions_completed"));
        Assert.Equal("3", flow.Field("ipmi.encrypted_messages"));
        Assert.Equal("administrator", flow.Field("ipmi.privilege"));
        Assert.Equal(AnalyzeWithOutputs.Fingerprinter.Fingerprint("pyipmitest"u8), flow.Field("ipmi.user"));
        Assert.Equal("10", flow.Field("ipmi.user_length"));
        Assert.DoesNotContain("pyipmitest", run.Eve, StringComparison.Ordinal);
        Assert.DoesNotContain("pyipmitest", run.FlowLog, StringComparison.Ordinal);
        Assert.Empty(run.Events.Alerts);

        // The source cut the last packet after its payload: the integrity trailer is missing, and said so.
        var anomaly = Assert.Single(run.Events.Anomalies);
        Assert.Equal(("IPMI_INTEGRITY_TRAILER_MISSING", (string?)null, 13L), anomaly);
    }

    // ---- RAKP password hash harvesting (CVE-2013-4786) ----

    [Fact]
    public void MetasploitStyleHashDumpingOverFiveUserNamesRaisesExactlyOneAlert()
    {
        // ipmi_dumphashes: a new UDP socket per name, Open Session, RAKP1, RAKP2 with the HMAC, never RAKP3.
        var b = new PcapBuilder();
        var t = 0.0;
        var port = (ushort)41000;
        var id = 0x0100u;
        foreach (var user in new[] { "ADMIN", "admin", "root", "Administrator", "USERID" })
        {
            t = Login(b, t, port++, user, id++, rakp3: false, consoleId: 0xC0DE_0000 + id) + 0.05;
        }

        var run = AnalyzeWithOutputs.Capture(b, With());
        var alert = Assert.Single(run.Events.Alerts);
        Assert.Equal(Signatures.IpmiHashHarvesting.Id, alert.SignatureId);
        Assert.Equal(Console, alert.Source.ToString());
        Assert.Equal(Bmc, alert.Destination.ToString());
        Assert.Equal("ipmi", alert.AppProto);
        Assert.Equal(5, run.Events.Flows.Count);
        Assert.All(run.Events.Flows, f => Assert.Equal("1", f.Field("ipmi.rakp2_without_rakp3")));
        Assert.Equal(5, run.Events.Flows.Select(f => f.Field("ipmi.user")).Distinct().Count());
        foreach (var user in new[] { "ADMIN", "USERID" }) // the others occur in ordinary words of the output
        {
            Assert.DoesNotContain(user, run.Eve, StringComparison.Ordinal);
            Assert.DoesNotContain(user, run.FlowLog, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OneWrongPasswordExchangeWithRetransmissionsIsNotHashHarvesting()
    {
        // ipmitool with a wrong password: RAKP1/RAKP2, then it rejects the BMC's HMAC and stops. Its
        // timeouts retransmit the same RAKP1 (same BMC session id), which is one exchange, not four.
        var b = new PcapBuilder();
        const uint BmcId = 0x0200;
        b.Add(0, Frames.Udp(Console, 40000, Bmc, 623, OpenSessionRequest(IpmitoolConsoleId)));
        b.Add(0.001, Frames.Udp(Bmc, 623, Console, 40000, OpenSessionResponse(IpmitoolConsoleId, BmcId)));
        for (var i = 0; i < 4; i++)
        {
            b.Add(0.002 + i, Frames.Udp(Console, 40000, Bmc, 623, Rakp1(BmcId, "ipmiusr")));
            b.Add(0.003 + i, Frames.Udp(Bmc, 623, Console, 40000, Rakp2(IpmitoolConsoleId)));
        }

        var (events, _) = Analyze.Capture(b, With());
        Assert.Empty(events.Alerts);
        var flow = Assert.Single(events.Flows);
        Assert.Equal("1", flow.Field("ipmi.sessions"));
        Assert.Equal("1", flow.Field("ipmi.rakp2_without_rakp3"));
        Assert.Empty(events.Anomalies);
    }

    [Fact]
    public void LoginsThatAnswerRakp2InTimeAreNeverHarvesting()
    {
        // A poller logging in to one BMC as several users, ten times each: every RAKP2 answered by RAKP3.
        var b = new PcapBuilder();
        var t = 0.0;
        var id = 1u;
        for (var round = 0; round < 10; round++)
        {
            foreach (var user in new[] { "monitor", "backup", "admin" })
            {
                t = Login(b, t, (ushort)(42000 + id), user, id++, rakp3Delay: 0.5) + 1;
            }
        }

        var (events, _) = Analyze.Capture(b, With());
        Assert.Empty(events.Alerts);
        Assert.All(events.Flows, f => Assert.Equal("established", f.Field("ipmi.session_state")));
    }

    [Fact]
    public void Rakp3AfterTheDeadlineOrWithAnErrorStatusLeavesTheHashHarvested()
    {
        var b = new PcapBuilder();
        var t = Login(b, 0, 43000, "late", 1, rakp3Delay: 3); // RAKP3 three seconds after RAKP2: past the 2 s deadline
        t = Login(b, t + 1, 43001, "other", 2, rakp3: false);
        b.Add(t, Frames.Udp(Console, 43001, Bmc, 623, Rakp3(2, status: 0x12))); // a releasing RAKP3 (illegal parameter)
        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiHashHarvesting.Id, alert.SignatureId);
        Assert.All(events.Flows, f => Assert.Equal("1", f.Field("ipmi.rakp2_without_rakp3")));
    }

    [Fact]
    public void HashHarvestingThresholdsAreReadFromTheSettings()
    {
        var b = new PcapBuilder();
        var t = Login(b, 0, 44000, "ADMIN", 1, rakp3: false);
        Login(b, t + 0.1, 44001, "root", 2, rakp3: false);
        Assert.Single(Analyze.Capture(b, With()).Events.Alerts);
        Assert.Empty(Analyze.Capture(b, With("ipmi.hash-harvest.usernames=3")).Events.Alerts);
    }

    [Fact]
    public void RakpNoneExchangesCarryNoHashAndAreNotCountedAsHarvesting()
    {
        // Cipher suite 0: RAKP2 has no auth code (40 bytes), so nothing can be cracked from it.
        var b = new PcapBuilder();
        var t = 0.0;
        for (var i = 0u; i < 5; i++)
        {
            b.Add(t, Frames.Udp(Console, (ushort)(45000 + i), Bmc, 623, OpenSessionRequest(i + 1, 0, 0, 0)));
            b.Add(t + 0.001, Frames.Udp(Bmc, 623, Console, (ushort)(45000 + i), OpenSessionResponse(i + 1, 100 + i, 0, 0, 0, 0)));
            b.Add(t + 0.002, Frames.Udp(Console, (ushort)(45000 + i), Bmc, 623, Rakp1(100 + i, "user" + i)));
            b.Add(t + 0.003, Frames.Udp(Bmc, 623, Console, (ushort)(45000 + i), Rakp2(i + 1, authCodeLength: 0)));
            t += 0.1;
        }

        var (events, _) = Analyze.Capture(b, With());
        Assert.DoesNotContain(events.Alerts, a => a.SignatureId == Signatures.IpmiHashHarvesting.Id);
        Assert.Single(events.Alerts, a => a.SignatureId == Signatures.IpmiCipherZeroOffered.Id);
        Assert.Single(events.Alerts, a => a.SignatureId == Signatures.IpmiCipherZeroAccepted.Id);
    }

    // ---- enumeration, guessing, null user ----

    [Fact]
    public void UnknownUserNamesAnsweredWithStatus0x0DRaiseOneEnumerationAlert()
    {
        var b = new PcapBuilder();
        var t = 0.0;
        var id = 1u;
        foreach (var user in new[] { "alice", "bob", "carol", "dave", "bob" })
        {
            t = Login(b, t, (ushort)(46000 + id), user, id++, rakp2Status: 0x0D) + 0.1;
        }

        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiUserEnumeration.Id, alert.SignatureId);
        Assert.Equal(Console, alert.Source.ToString());
        Assert.Contains(events.Flows, f => f.Field("ipmi.failure_codes") == "rakp2:unauthorized_name");
    }

    [Fact]
    public void TwoUnknownUserNamesStayBelowTheEnumerationThreshold()
    {
        var b = new PcapBuilder();
        var t = Login(b, 0, 46100, "alice", 1, rakp2Status: 0x0D);
        Login(b, t, 46101, "bob", 2, rakp2Status: 0x0D);
        Assert.Empty(Analyze.Capture(b, With()).Events.Alerts);
    }

    [Fact]
    public void ABurstOfRakp4IntegrityFailuresIsOnlinePasswordGuessing()
    {
        var b = new PcapBuilder();
        var t = 0.0;
        for (var i = 1u; i <= 6; i++)
        {
            t = Login(b, t, (ushort)(47000 + i), "ADMIN", i, rakp4Status: 0x0F) + 0.2;
        }

        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiPasswordGuessing.Id, alert.SignatureId);
        Assert.Equal(Console, alert.Source.ToString());
        Assert.All(events.Flows, f => Assert.Equal("rakp4:invalid_integrity_check_value", f.Field("ipmi.failure_codes")));

        var (fewer, _) = Analyze.Capture(b, With("ipmi.guessing.failures=7"));
        Assert.Empty(fewer.Alerts);
    }

    [Fact]
    public void ANullUserNameLoginThatCompletesIsReported()
    {
        var b = new PcapBuilder();
        var t = Login(b, 0, 48000, "", 1);
        Login(b, t, 48001, "", 2, rakp4Status: 0x0F); // refused: not a login
        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiNullUserLogin.Id, alert.SignatureId);
        Assert.Equal(Console, alert.Source.ToString());
        Assert.Contains(events.Flows, f => f.Field("ipmi.user_length") == "0" && f.Field("ipmi.session_state") == "established");
    }

    // ---- discovery ----

    [Fact]
    public void AnAsfPingSweepOverTwentyBmcsRaisesOneAlert()
    {
        var b = new PcapBuilder();
        for (var i = 1; i <= 20; i++)
        {
            b.Add(i * 0.05, Frames.Udp("10.66.0.9", 50000, $"10.9.0.{i}", 623, AsfPing()));
            b.Add(i * 0.05 + 0.001, Frames.Udp($"10.9.0.{i}", 623, "10.66.0.9", 50000, AsfPong()));
        }

        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiDiscoverySweep.Id, alert.SignatureId);
        Assert.Equal("10.66.0.9", alert.Source.ToString());
        Assert.Equal(20, events.Flows.Count(f => f.Field("ipmi.asf_pongs") == "1"));
    }

    [Fact]
    public void APollerThatProbesThenLogsInToManyBmcsIsNotASweep()
    {
        // ipmitool's lanplus run starts with Get Channel Auth Caps, then logs in within milliseconds.
        var b = new PcapBuilder();
        var t = 0.0;
        for (var i = 1; i <= 20; i++)
        {
            var bmc = $"10.9.0.{i}";
            b.Add(t, Frames.Udp(Console, (ushort)(51000 + i), bmc, 623, CapsRequest()));
            b.Add(t + 0.001, Frames.Udp(bmc, 623, Console, (ushort)(51000 + i), CapsResponse()));
            t = Login(b, t + 0.002, (ushort)(51000 + i), "monitor", (uint)i, bmc: bmc) + 0.01;
        }

        var (events, _) = Analyze.Capture(b, With());
        Assert.DoesNotContain(events.Alerts, a => a.SignatureId == Signatures.IpmiDiscoverySweep.Id);
    }

    [Fact]
    public void PongsAnsweringABroadcastPingCountTowardsASweep()
    {
        // rmcp_ping to a broadcast address: the ping is in another flow, each BMC's pong comes back alone.
        var b = new PcapBuilder();
        b.Add(0, Frames.Udp("10.66.0.9", 50001, "10.9.0.255", 623, AsfPing()));
        for (var i = 1; i <= 6; i++)
        {
            b.Add(0.001 * i, Frames.Udp($"10.9.0.{i}", 623, "10.66.0.9", 50001, AsfPong()));
        }

        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiDiscoverySweep.Id, alert.SignatureId);
        Assert.Equal("10.66.0.9", alert.Source.ToString());
    }

    // ---- configuration findings and cleartext ----

    [Fact]
    public void AnonymousLoginInCapabilitiesIsReportedOncePerBmcWhateverTheConsole()
    {
        var b = new PcapBuilder();
        for (var i = 1; i <= 3; i++)
        {
            var console = $"10.20.0.{i}";
            b.Add(i, Frames.Udp(console, 40000, Bmc, 623, CapsRequest()));
            b.Add(i + 0.001, Frames.Udp(Bmc, 623, console, 40000, CapsResponse(login: 0x05))); // anonymous + non-null users
        }

        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiAnonymousLoginEnabled.Id, alert.SignatureId);
        Assert.Equal(Bmc, alert.Source.ToString());
        Assert.All(events.Flows, f => Assert.Equal("true", f.Field("ipmi.anonymous_login")));
    }

    [Fact]
    public void ABmcListingCipherSuiteZeroIsReportedOnce()
    {
        // Get Channel Cipher Suites over RMCP+ (payload 0, session 0), as ipmitool 1.8.19 asks before Open Session.
        var b = new PcapBuilder();
        for (var i = 0; i < 2; i++)
        {
            var port = (ushort)(40100 + i);
            b.Add(i, Frames.Udp(Console, port, Bmc, 623, V20(0x00, 0, LanRequest(0x06, 0x54, [0x0E, 0x00, 0x80]))));
            b.Add(i + 0.001, Frames.Udp(Bmc, 623, Console, port,
                V20(0x00, 0, LanResponse(0x06, 0x54, 0, [0x01, 0xC0, 0x00, 0x00, 0x40, 0x80, 0xC0, 0x03, 0x01, 0x41, 0x81, 0xC0, 0x11, 0x03, 0x44, 0x81]))));
        }

        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.IpmiCipherZeroAdvertised.Id, alert.SignatureId);
        Assert.All(events.Flows, f => Assert.Equal("0,3,17", f.Field("ipmi.cipher_suites_offered")));
    }

    [Fact]
    public void SetUserPasswordInACipherZeroSessionIsNamedButItsDataNeverWritten()
    {
        const uint ConsoleId = 0xA0A2A3A4, BmcId = 0x0104;
        var b = new PcapBuilder();
        b.Add(0, Frames.Udp(Console, 40000, Bmc, 623, OpenSessionRequest(ConsoleId, 0, 0, 0)));
        b.Add(0.001, Frames.Udp(Bmc, 623, Console, 40000, OpenSessionResponse(ConsoleId, BmcId, 0, 0, 0, 0)));
        b.Add(0.002, Frames.Udp(Console, 40000, Bmc, 623, Rakp1(BmcId, "opsadmin7")));
        b.Add(0.003, Frames.Udp(Bmc, 623, Console, 40000, Rakp2(ConsoleId, authCodeLength: 0)));
        b.Add(0.004, Frames.Udp(Console, 40000, Bmc, 623, Rakp3(BmcId, authCodeLength: 0)));
        b.Add(0.005, Frames.Udp(Bmc, 623, Console, 40000, Rakp4(ConsoleId, icvLength: 0)));
        // Set User Password (App 0x47): user 3, operation "set password", 16-byte password in clear.
        byte[] data = [0x03, 0x02, .. "S3cretNewPass!!x"u8];
        b.Add(0.006, Frames.Udp(Console, 40000, Bmc, 623, V20(0x00, BmcId, LanRequest(0x06, 0x47, data), sequence: 3)));
        b.Add(0.007, Frames.Udp(Bmc, 623, Console, 40000, V20(0x00, ConsoleId, LanResponse(0x06, 0x47, 0, []), sequence: 1)));
        b.Add(0.008, Frames.Udp(Console, 40000, Bmc, 623, V20(0x00, BmcId, LanRequest(0x00, 0x02, [0x03]), sequence: 4))); // power cycle

        var run = AnalyzeWithOutputs.Capture(b, With());
        var clear = run.Events.Alerts.Where(a => a.SignatureId == Signatures.IpmiSensitiveCommandInClear.Id).ToList();
        Assert.Equal(["chassis_control", "set_user_password"], clear.Select(a => a.Evidence!.Single(e => e.Key == "ipmi.command").Value).Order());
        var flow = Assert.Single(run.Events.Flows);
        Assert.Equal("set_user_password,chassis_control", flow.Field("ipmi.cleartext_command_names"));
        Assert.Equal("established", flow.Field("ipmi.session_state"));
        Assert.DoesNotContain("S3cretNewPass", run.Eve, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cretNewPass", run.FlowLog, StringComparison.Ordinal);
        Assert.DoesNotContain("opsadmin7", run.Eve, StringComparison.Ordinal);
    }

    [Fact]
    public void AsfPowerDownWithoutAuthenticationIsAnAlert()
    {
        var b = new PcapBuilder().Add(0, Frames.Udp(Console, 623, Bmc, 623, Asf(0x12)));
        var (events, _) = Analyze.Capture(b, With());
        var alert = Assert.Single(events.Alerts);
        Assert.Equal(Signatures.AsfRemoteControl.Id, alert.SignatureId);
        Assert.Equal("power-down", alert.Evidence!.Single().Value);
        Assert.Equal("1", Assert.Single(events.Flows).Field("ipmi.asf_power_controls"));
    }

    [Fact]
    public void StraightPasswordAuthenticationIsAnAlertAndThePasswordIsNeverWritten()
    {
        byte[] password = [.. "Hunter2-Zq"u8, 0, 0, 0, 0, 0, 0];
        var b = new PcapBuilder();
        b.Add(0, Frames.Udp(Console, 40000, Bmc, 623, V15(0x04, 0x05, LanRequest(0x06, 0x3A, [0x04, 0x04, .. new byte[16], 1, 0, 0, 0]), authCode: password)));
        b.Add(0.001, Frames.Udp(Bmc, 623, Console, 40000, V15(0x04, 0x05, LanResponse(0x06, 0x3A, 0, [0x04, 0x84, 0x01, 0, 0, 1, 0, 0, 0, 4]), authCode: password)));
        var run = AnalyzeWithOutputs.Capture(b, With());
        var alert = Assert.Single(run.Events.Alerts);
        Assert.Equal(Signatures.IpmiV15StraightPassword.Id, alert.SignatureId);
        Assert.Equal(Console, alert.Source.ToString());
        Assert.Equal("password", Assert.Single(run.Events.Flows).Field("ipmi.auth_type"));
        Assert.DoesNotContain("Hunter2", run.Eve, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", run.FlowLog, StringComparison.Ordinal);
    }

    // ---- protocol violations and content detection ----

    [Fact]
    public void ProtocolViolationsAreNamedAnomalies()
    {
        var b = new PcapBuilder();
        var t = 0.0;
        void Add(byte[] payload) => b.Add(t += 1, Frames.Udp(Console, (ushort)(52000 + (int)t), Bmc, 623, payload));

        Add([0x05, 0x00, 0xFF, 0x07, 0x00]); // RMCP version 5
        Add([0x06, 0x00, 0xFF, 0x09, 0x00]); // class 9
        var reserved = OpenSessionRequest(1);
        reserved[5] = 0x30; // payload type 0x30
        Add(reserved);
        var longer = OpenSessionRequest(1);
        longer[14] = 0xFF; // payload length 255 in a 48-byte datagram
        Add(longer);
        var checksum = CapsRequest();
        checksum[^1] ^= 0x55;
        Add(checksum);
        Add(Rakp1(7, "an-eighteen-char-x")); // 18 > 16
        Add(Rakp1(7, "abc", declaredLength: 9)); // length beyond the payload
        var asf = AsfPing();
        asf[5] = 0x99; // IANA
        Add(asf);

        var (events, _) = Analyze.Capture(b, With());
        Assert.Equal(
            ["RMCP_BAD_VERSION", "RMCP_UNKNOWN_CLASS", "IPMI_RESERVED_PAYLOAD_TYPE", "IPMI_PAYLOAD_LENGTH_EXCEEDS_DATAGRAM", "IPMI_BAD_CHECKSUM",
             "RAKP_USERNAME_TOO_LONG", "RAKP_USERNAME_EXCEEDS_PAYLOAD", "ASF_BAD_IANA"],
            events.Anomalies.Select(a => a.Event));
        Assert.Equal(2, events.Flows.Count(f => f.Service is null));
    }

    [Fact]
    public void RmcpOnAnUnusualPortIsFoundByContentAndLookalikesAreNot()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Console, 40000, "127.0.0.1", 9623, CapsRequest()))
            .Add(0.001, Frames.Udp("127.0.0.1", 9623, Console, 40000, CapsResponse()))
            .Add(1, Frames.Udp(Console, 40001, Bmc, 9999, [0x06, 0x00, 0xFF, 0x07, 0x00, 0x01, 0x02]))
            .Add(2, Frames.Udp(Console, 40002, Bmc, 9998, [0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x00, 0x00, 0x40]));
        var (events, _) = Analyze.Capture(b, With());
        var flows = events.Flows.OrderBy(f => f.Start).ToList();
        Assert.Equal("ipmi", flows[0].Service);
        Assert.Equal("none,md2,md5,password", flows[0].Field("ipmi.caps_auth_types"));
        Assert.Null(flows[1].Service); // truncated v1.5 header
        Assert.Null(flows[2].Service); // ASF data length beyond the datagram
    }

    [Fact]
    public void ARetransmittedOpenSessionRequestIsOneSession()
    {
        var b = new PcapBuilder();
        for (var i = 0; i < 3; i++)
        {
            b.Add(i, Frames.Udp(Console, 40000, Bmc, 623, OpenSessionRequest(IpmitoolConsoleId)));
        }

        b.Add(3, Frames.Udp(Bmc, 623, Console, 40000, OpenSessionResponse(IpmitoolConsoleId, 9)));
        b.Add(3.001, Frames.Udp(Bmc, 623, Console, 40000, OpenSessionResponse(IpmitoolConsoleId, 9)));
        var flow = Assert.Single(Analyze.Capture(b, With()).Events.Flows);
        Assert.Equal("1", flow.Field("ipmi.sessions"));
        Assert.Equal("open_session_accepted", flow.Field("ipmi.session_state"));
    }

    [Fact]
    public void AnOpenSessionRefusalOfTwoBytesIsAFailureNotAnAnomaly()
    {
        // ipmi_sim answers an unsupported suite with only the tag and status 0x04 (recorded with ipmitool -C 17).
        var b = new PcapBuilder()
            .Add(0, Frames.Udp(Console, 40000, Bmc, 623, OpenSessionRequest(IpmitoolConsoleId, 3, 4, 1)))
            .Add(0.001, Frames.Udp(Bmc, 623, Console, 40000, V20(0x11, 0, [0x00, 0x04])));
        var (events, _) = Analyze.Capture(b, With());
        Assert.Empty(events.Anomalies);
        var flow = Assert.Single(events.Flows);
        Assert.Equal("failed", flow.Field("ipmi.session_state"));
        Assert.Equal("open_session:invalid_authentication_algorithm", flow.Field("ipmi.failure_codes"));
    }

    [Fact]
    public void PacketsInsideAnEstablishedSessionAllocateNothing()
    {
        // Pollers make in-session UDP/623 packets the common case: after set-up they must not allocate.
        var b = new PcapBuilder();
        Login(b, 0, 40000, "monitor", 0x104, consoleId: IpmitoolConsoleId);
        var request = Frames.Udp(Console, 40000, Bmc, 623, V20(0xC0, 0x104, new byte[32], sequence: 3));
        var reply = Frames.Udp(Bmc, 623, Console, 40000, V20(0xC0, IpmitoolConsoleId, new byte[32], sequence: 1));
        var pipeline = new AnalysisPipeline(With(), new CollectingSink());
        var info = new MgmtWatch.Core.Capture.PacketInfo { LinkType = MgmtWatch.Core.Capture.LinkType.Ethernet };
        foreach (var (time, frame, wire) in b.Packets)
        {
            info.Timestamp = time;
            info.CaptureLength = frame.Length;
            info.WireLength = wire;
            pipeline.Process(info, frame);
        }

        void Exchange(int n)
        {
            for (var i = 0; i < n; i++)
            {
                info.Timestamp += 1_000_000;
                var frame = i % 2 == 0 ? request : reply;
                info.CaptureLength = info.WireLength = frame.Length;
                pipeline.Process(info, frame);
            }
        }

        Exchange(100); // warm up
        var allocated = Allocations.Least(() => Exchange(10_000));
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for 10,000 in-session packets");
        pipeline.Finish();
    }

    [Fact]
    public void ASprayOfSpoofedConsolesCannotGrowTheCrossFlowTables()
    {
        // 6,000 spoofed consoles each leaving a RAKP2 unanswered: the tables stay bounded, and the run ends.
        var b = new PcapBuilder();
        var t = 0.0;
        for (var i = 0; i < 6000; i++)
        {
            var console = $"10.{100 + (i >> 16)}.{(i >> 8) & 0xFF}.{i & 0xFF}";
            b.Add(t, Frames.Udp(console, 40000, Bmc, 623, Rakp1((uint)i + 1, "x")));
            b.Add(t + 0.0001, Frames.Udp(Bmc, 623, console, 40000, Rakp2(0x1234)));
            t += 0.001;
        }

        var analyzer = new MgmtWatch.Core.Analyzers.Ipmi.IpmiAnalyzer();
        var (events, _) = Analyze.Capture(b, With() with { Analyzers = () => new MgmtWatch.Core.Analyzers.AnalyzerRegistry([analyzer]) });
        Assert.Equal(6000, events.Flows.Count);
        Assert.InRange(analyzer.TrackedConsoleBmcPairs, 1, 4096);
    }
}
