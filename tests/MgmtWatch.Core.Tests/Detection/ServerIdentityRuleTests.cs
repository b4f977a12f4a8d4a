using System.Text;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Analyzers.Ssh;
using MgmtWatch.Core.Tests.Support;
using MgmtWatch.Core.Training;
using static MgmtWatch.Core.Tests.Analyzers.Tls.TlsBytes;

namespace MgmtWatch.Core.Tests.Detection;

/// <summary>
/// Rules 9103003 and 9104001 on sessions written here: TLS with real certificates (.NET's X.509 writer) and
/// SSH key exchanges with ed25519 host keys. A BMC's server that starts presenting another certificate or
/// host key, as after a reflash, and the cases that must stay quiet.
/// </summary>
public class ServerIdentityRuleTests
{
    private const string Bmc = "10.20.0.5";

    private static readonly byte[] Factory = SelfSignedCertificate(new DateTimeOffset(2023, 5, 1, 8, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2033, 5, 1, 8, 0, 0, TimeSpan.Zero), b => b.AddCommonName("IPMI"));

    private static readonly byte[] AfterReflash = SelfSignedCertificate(new DateTimeOffset(2026, 3, 2, 10, 15, 0, TimeSpan.Zero),
        new DateTimeOffset(2036, 3, 2, 10, 15, 0, TimeSpan.Zero), b => b.AddCommonName("IPMI"));

    private static List<AlertEvent> Alerts(PcapBuilder b, BaselineProfile? baseline = null) =>
        Analyze.Capture(b, new PipelineOptions { Baseline = baseline }).Events.Alerts.Where(a => a.SignatureId == Signatures.TlsCertificateChanged.Id).ToList();

    /// <summary>One HTTPS session, <paramref name="minute"/> minutes into the capture.</summary>
    private static void Session(PcapBuilder b, double minute, string client, string server, ushort port, byte[] certificate)
    {
        new TcpConversation(b, client, (ushort)(40000 + (int)minute), server, port, start: minute * 60)
            .Handshake()
            .Client(Records(ClientHello(0x0303, [0xc02f], [Sni("bmc05.example.net")])))
            .Server(ServerFlight(certificate))
            .Close();
    }

    [Fact]
    public void ANewCertificateOnAKnownServerIsOneAlertNamingBothFingerprints()
    {
        var b = new PcapBuilder();
        Session(b, 0, "10.20.9.1", Bmc, 443, Factory);
        Session(b, 5, "10.20.9.2", Bmc, 443, Factory);
        Session(b, 10, "10.20.9.1", Bmc, 443, AfterReflash);
        Session(b, 15, "10.20.9.2", Bmc, 443, AfterReflash); // another client meets the same new certificate: same incident
        var alert = Assert.Single(Alerts(b));
        Assert.Equal(Bmc, alert.Source.ToString());
        Assert.Equal("10.20.9.1", alert.Destination.ToString());
        var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
        var run = RenderedRun.Of(b);
        var fingerprints = run.FlowsOf("tls").Select(f => f.Field("tls.fingerprint")).Distinct().ToList();
        Assert.Equal(2, fingerprints.Count);
        Assert.Equal(fingerprints[0], evidence["previous_fingerprint"]);
        Assert.Equal(fingerprints[1], evidence["fingerprint"]);
        Assert.Equal("2026-03-02T10:15:00", evidence["notbefore"]);
        Assert.Equal("2023-05-01T08:00:00", evidence["previous_notbefore"]);
        Assert.Equal("CN=IPMI", evidence["subject"]);
        Assert.Contains(fingerprints[1]!, alert.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void SameCertificateOtherPortsAndOtherServersAreQuiet()
    {
        var b = new PcapBuilder();
        Session(b, 0, "10.20.9.1", Bmc, 443, Factory);
        Session(b, 5, "10.20.9.1", Bmc, 443, Factory);
        Session(b, 6, "10.20.9.1", Bmc, 8443, AfterReflash); // another service of the same BMC has its own certificate
        Session(b, 7, "10.20.9.1", "10.20.0.6", 443, AfterReflash); // another BMC
        Session(b, 12, "10.20.9.3", Bmc, 443, Factory);
        Assert.Empty(Alerts(b));
    }

    /// <summary>With a model, a capture taken after the change alerts on its first handshake, against what the baseline saw.</summary>
    [Fact]
    public void AgainstTheBaselineTheFirstHandshakeWithANewCertificateAlerts()
    {
        var baseline = Profile(Day(Factory, Factory));
        var factoryFingerprint = Assert.Single(baseline.IdentitiesOf(Address(Bmc), 443));

        var today = Day(AfterReflash, AfterReflash);
        var alert = Assert.Single(Alerts(today, baseline));
        var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(factoryFingerprint, evidence["previous_fingerprint"]);
        Assert.NotEqual(factoryFingerprint, evidence["fingerprint"]);
        Assert.Contains("the baseline", alert.Description, StringComparison.Ordinal);

        // Without the model nothing came before: nothing to compare with.
        Assert.Empty(Alerts(today));
    }

    /// <summary>A server that moves between certificates the baseline already knew (a renewal inside the baseline) is quiet.</summary>
    [Fact]
    public void CertificatesTheBaselineKnewAreQuietInAnyOrder()
    {
        var baseline = Profile(Day(Factory, AfterReflash));
        Assert.Equal(2, baseline.IdentitiesOf(Address(Bmc), 443).Count);
        Assert.Empty(Alerts(Day(AfterReflash, Factory, AfterReflash), baseline));
    }

    /// <summary>The same for SSH: a BMC's sshd answering with another host key, as after a reflash; the quiet cases alongside.</summary>
    [Fact]
    public void ANewSshHostKeyIsOneAlertAndTheSameKeyIsQuiet()
    {
        var b = new PcapBuilder();
        SshSession(b, 0, "10.20.9.1", Bmc, 22, SshHostKeyTests.HostKeyBlob(1));
        SshSession(b, 5, "10.20.9.2", Bmc, 22, SshHostKeyTests.HostKeyBlob(1));
        SshSession(b, 6, "10.20.9.2", Bmc, 2200, SshHostKeyTests.HostKeyBlob(3)); // another service, its own key
        SshSession(b, 10, "10.20.9.1", Bmc, 22, SshHostKeyTests.HostKeyBlob(2));
        SshSession(b, 15, "10.20.9.2", Bmc, 22, SshHostKeyTests.HostKeyBlob(2));
        var (events, _) = Analyze.Capture(b);
        var alert = Assert.Single(events.Alerts, a => a.SignatureId is 9104001 or 9103003);
        Assert.Equal(Signatures.SshHostKeyChanged.Id, alert.SignatureId);
        Assert.Equal(Bmc, alert.Source.ToString());
        var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
        var fingerprints = RenderedRun.Of(b).FlowsOf("ssh").Where(f => f.RespPort() == 22).Select(f => f.Field("ssh.host_key_fingerprint")!).Distinct().ToList();
        Assert.Equal(2, fingerprints.Count);
        Assert.Equal(fingerprints[0], evidence["previous_fingerprint"]);
        Assert.Equal(fingerprints[1], evidence["fingerprint"]);
        Assert.False(evidence.ContainsKey("subject"));
        Assert.Contains("SSH host key", alert.Description, StringComparison.Ordinal);

        // The baseline remembers host keys as it remembers certificates.
        var baseline = Profile(b);
        Assert.Equal(fingerprints, baseline.IdentitiesOf(Address(Bmc), 22));
    }

    private static void SshSession(PcapBuilder b, double minute, string client, string server, ushort port, byte[] hostKeyBlob)
    {
        new TcpConversation(b, client, (ushort)(41000 + (int)minute), server, port, start: minute * 60)
            .Handshake()
            .Server(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n")).Client(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"))
            .Server(SshAnalyzerTests.KexInit("curve25519-sha256", "aes128-ctr")).Client(SshAnalyzerTests.KexInit("curve25519-sha256", "aes128-ctr"))
            .Server([.. SshHostKeyTests.Packet(SshHostKeyTests.EcdhReply(hostKeyBlob)), .. SshHostKeyTests.Packet([21])])
            .Close();
    }

    /// <summary>HTTPS sessions to the BMC's port 443 five minutes apart, from two clients in turn, presenting these certificates.</summary>
    private static PcapBuilder Day(params byte[][] certificates)
    {
        var b = new PcapBuilder();
        for (var i = 0; i < certificates.Length; i++)
        {
            Session(b, 5 * i, $"10.20.9.{1 + (i % 2)}", Bmc, 443, certificates[i]);
        }

        return b;
    }

    private static BaselineProfile Profile(PcapBuilder capture)
    {
        var collector = new FlowCollector();
        Analyze.Capture(capture, new PipelineOptions { Scorer = collector });
        var profile = new BaselineProfile();
        foreach (var flow in collector.Flows)
        {
            profile.Add(flow);
        }

        return profile;
    }

    private static HostAddress Address(string text) => HostAddress.TryParse(text, out var a) ? a : throw new ArgumentException(text);

    /// <summary>Back and forth between two certificates (two machines answering for one address) alerts at each change once the incident window has passed.</summary>
    [Fact]
    public void FlappingBetweenTwoCertificatesAlertsAgainAfterTheIncidentWindow()
    {
        var b = new PcapBuilder();
        Session(b, 0, "10.20.9.1", Bmc, 443, Factory);
        Session(b, 5, "10.20.9.1", Bmc, 443, AfterReflash);
        Session(b, 10, "10.20.9.1", Bmc, 443, Factory); // within the hour: a repeat of the same incident
        Session(b, 80, "10.20.9.1", Bmc, 443, AfterReflash);
        var (events, summary) = Analyze.Capture(b);
        Assert.Equal(2, events.Alerts.Count(a => a.SignatureId == Signatures.TlsCertificateChanged.Id));
        Assert.True(summary.AlertsSuppressed >= 1, $"suppressed {summary.AlertsSuppressed}");
    }
}
