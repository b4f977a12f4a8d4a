using System.Text;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Ipmi;

/// <summary>ipmitool against ipmi_sim on loopback: each run's flow and verdicts (see <see cref="IpmiSimulatorRuns"/>).</summary>
public class IpmiSimulatorSessionTests : IClassFixture<IpmiSimulatorRuns>
{
    private readonly IpmiSimulatorRuns _runs;

    public IpmiSimulatorSessionTests(IpmiSimulatorRuns runs)
    {
        _runs = runs;
    }

    private FlowSnapshot OnlyFlow(string scenario)
    {
        IpmiSimulator.SkipUnlessAvailable();
        var flow = Assert.Single(_runs.FlowsOf(scenario));
        Assert.Equal("ipmi", flow.Service);
        return flow;
    }

    private int[] Sids(string scenario) => [.. _runs.AlertsOf(scenario).Select(a => a.SignatureId).Order()];

    [SkippableFact]
    public void ANormalLanplusSessionCompletesWithSuite3AndNoAlert()
    {
        var flow = OnlyFlow("normal");
        Assert.Equal(0, _runs.Windows["normal"].ExitCode);
        Assert.Equal("established", flow.Field("ipmi.session_state"));
        Assert.Equal("1", flow.Field("ipmi.sessions_completed"));
        Assert.Equal("3", flow.Field("ipmi.cipher_suite"));
        Assert.Equal("rakp_hmac_sha1", flow.Field("ipmi.auth_alg"));
        Assert.Equal("20", flow.Field("ipmi.rakp2_auth_code_length"));
        Assert.NotNull(flow.Field("ipmi.encrypted_messages"));
        Assert.Null(flow.Field("ipmi.cleartext_commands"));
        // The first run also reads the capabilities, where ipmi_sim enables the null user: the once-per-BMC finding.
        Assert.Equal([Signatures.IpmiAnonymousLoginEnabled.Id], Sids("normal"));
    }

    [SkippableFact]
    public void TheNullUserFindingIsReportedOnceForTheWholeRun()
    {
        IpmiSimulator.SkipUnlessAvailable();
        Assert.Single(_runs.Run!.Events.Alerts, a => a.SignatureId == Signatures.IpmiAnonymousLoginEnabled.Id);
        Assert.All(_runs.Run.Events.Flows, f => Assert.Equal("true", f.Field("ipmi.null_user_enabled")));
    }

    [SkippableFact]
    public void AWrongPasswordLeavesOneRakp2UnansweredAndIsNotHashHarvesting()
    {
        var flow = OnlyFlow("wrong-password");
        Assert.NotEqual(0, _runs.Windows["wrong-password"].ExitCode);
        Assert.Equal("rakp2", flow.Field("ipmi.session_state"));
        Assert.Equal("1", flow.Field("ipmi.rakp2_without_rakp3"));
        Assert.Empty(Sids("wrong-password"));
        Assert.DoesNotContain(_runs.Run!.Events.Alerts, a => a.SignatureId == Signatures.IpmiHashHarvesting.Id);
    }

    [SkippableFact]
    public void CipherSuiteZeroIsOfferedAndAcceptedAndItsCommandsAreReadable()
    {
        var flow = OnlyFlow("cipher-0");
        Assert.Equal(0, _runs.Windows["cipher-0"].ExitCode);
        Assert.Equal("0", flow.Field("ipmi.cipher_suite"));
        Assert.Equal("rakp_none", flow.Field("ipmi.auth_alg"));
        Assert.Contains("get_device_id", flow.Field("ipmi.cleartext_command_names"), StringComparison.Ordinal);
        Assert.Equal([Signatures.IpmiCipherZeroOffered.Id, Signatures.IpmiCipherZeroAccepted.Id], Sids("cipher-0"));
        var accepted = _runs.AlertsOf("cipher-0").Single(a => a.SignatureId == Signatures.IpmiCipherZeroAccepted.Id);
        Assert.Equal(flow.OrigPort, accepted.SourcePort); // from the console to the BMC
    }

    [SkippableFact]
    public void AnUnsupportedSuiteIsARefusedOpenSession()
    {
        var flow = OnlyFlow("unsupported-suite");
        Assert.Equal("failed", flow.Field("ipmi.session_state"));
        Assert.Equal("open_session:invalid_authentication_algorithm", flow.Field("ipmi.failure_codes"));
        Assert.Empty(Sids("unsupported-suite"));
    }

    [SkippableFact]
    public void Ipmi15WithAuthenticationNoneRaisesItsAlert()
    {
        var flow = OnlyFlow("v15-none");
        Assert.Equal(0, _runs.Windows["v15-none"].ExitCode);
        Assert.Equal("1.5", flow.Field("ipmi.version"));
        Assert.Equal("none", flow.Field("ipmi.auth_type"));
        Assert.Equal("1", flow.Field("ipmi.asf_pings"));
        Assert.Equal([Signatures.IpmiV15AuthNone.Id], Sids("v15-none"));
    }

    [SkippableFact]
    public void Ipmi15StraightPasswordRaisesItsAlertAndThePasswordAppearsNowhereInTheOutputs()
    {
        var flow = OnlyFlow("v15-password");
        Assert.Equal(0, _runs.Windows["v15-password"].ExitCode);
        Assert.Equal("password", flow.Field("ipmi.auth_type"));
        Assert.Equal([Signatures.IpmiV15StraightPassword.Id], Sids("v15-password"));

        // The password is really on the wire (so this test can fail), and nowhere in what MgmtWatch wrote.
        Assert.True(_runs.Capture.AsSpan().IndexOf(Encoding.ASCII.GetBytes(IpmiSimulator.Password)) >= 0);
        foreach (var secret in new[] { IpmiSimulator.Password, IpmiSimulator.User })
        {
            Assert.DoesNotContain(secret, _runs.Run!.Eve, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, _runs.Run.FlowLog, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void ANullUserNameLoginIsReportedWithAUserLengthOfZero()
    {
        var flow = OnlyFlow("null-user");
        Assert.Equal(0, _runs.Windows["null-user"].ExitCode);
        Assert.Equal("established", flow.Field("ipmi.session_state"));
        Assert.Equal("0", flow.Field("ipmi.user_length"));
        Assert.Equal([Signatures.IpmiNullUserLogin.Id], Sids("null-user"));
    }

    [SkippableFact]
    public void EveryRecordedSessionParsesWithoutAnAnomalyAndUsesOneUserFingerprint()
    {
        IpmiSimulator.SkipUnlessAvailable();
        Assert.Empty(_runs.Run!.Events.Anomalies);
        var named = _runs.Run.Events.Flows.Where(f => f.Field("ipmi.user_length") == "7").Select(f => f.Field("ipmi.user")).Distinct();
        Assert.Equal(AnalyzeWithOutputs.Fingerprinter.Fingerprint(Encoding.ASCII.GetBytes(IpmiSimulator.User)), Assert.Single(named));
    }
}
