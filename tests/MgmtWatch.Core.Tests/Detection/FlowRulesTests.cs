using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Detection;

public class FlowRulesTests
{
    private const string Attacker = "10.60.1.99";

    private static readonly int[] GenericRules =
    [
        Signatures.PortScan.Id, Signatures.HostSweep.Id, Signatures.LoginBruteForce.Id,
        Signatures.Beacon.Id, Signatures.BmcOutbound.Id, Signatures.BmcLateral.Id, Signatures.TlsCertificateChanged.Id, Signatures.SshHostKeyChanged.Id,
    ];

    private static List<Core.Output.AlertEvent> Alerts(PcapBuilder b, PipelineOptions? options = null, int? signature = null) =>
        Analyze.Capture(b, options).Events.Alerts.Where(a => signature is null ? GenericRules.Contains(a.SignatureId) : a.SignatureId == signature).ToList();

    private static PcapBuilder Site() => SiteCapture.Build(seed: 3, minutes: 30);

    private static void TcpSession(PcapBuilder b, double t, string client, ushort port, string server, ushort serverPort, int request = 200, int response = 400, byte[]? requestBytes = null)
    {
        request = requestBytes?.Length ?? request;
        b.Add(t, Frames.Tcp(client, port, server, serverPort, Frames.Syn, seq: 1));
        b.Add(t + 0.001, Frames.Tcp(server, serverPort, client, port, Frames.Syn | Frames.Ack, seq: 100, ack: 2));
        b.Add(t + 0.002, Frames.Tcp(client, port, server, serverPort, Frames.Ack | Frames.Psh, seq: 2, ack: 101, payload: requestBytes ?? new byte[request]));
        b.Add(t + 0.003, Frames.Tcp(server, serverPort, client, port, Frames.Ack | Frames.Psh, seq: 101, ack: (uint)(2 + request), payload: new byte[response]));
        b.Add(t + 0.004, Frames.Tcp(client, port, server, serverPort, Frames.Fin | Frames.Ack, seq: (uint)(2 + request), ack: (uint)(101 + response)));
        b.Add(t + 0.005, Frames.Tcp(server, serverPort, client, port, Frames.Fin | Frames.Ack, seq: (uint)(101 + response), ack: (uint)(3 + request)));
    }

    [Fact]
    public void NormalSiteTrafficRaisesNoBehaviourAlert()
    {
        Assert.Empty(Alerts(Site()));
    }

    [Fact]
    public void SynScanOfABmcIsOnePortScanAlert()
    {
        var b = Site();
        var bmc = SiteCapture.Bmc(1);
        for (var p = 0; p < 40; p++)
        {
            var port = (ushort)(20 + p);
            b.Add(600 + p * 0.01, Frames.Tcp(Attacker, 55555, bmc, port, Frames.Syn, seq: 7));
            b.Add(600 + p * 0.01 + 0.0005, Frames.Tcp(bmc, port, Attacker, 55555, Frames.Rst | Frames.Ack, seq: 0, ack: 8));
        }

        var alert = Assert.Single(Alerts(b, signature: Signatures.PortScan.Id));
        Assert.Equal((Attacker, bmc), (alert.Source.ToString(), alert.Destination.ToString()));
        Assert.DoesNotContain(Alerts(b), a => a.SignatureId != Signatures.PortScan.Id);
    }

    [Fact]
    public void UnansweredSweepOfSshIsOneHostSweepAlert()
    {
        var b = Site();
        for (var i = 0; i < 60; i++)
        {
            b.Add(700 + i * 0.02, Frames.Tcp(Attacker, 40000, $"10.60.0.{100 + i}", 22, Frames.Syn, seq: 1));
        }

        var alert = Assert.Single(Alerts(b, signature: Signatures.HostSweep.Id));
        Assert.Equal(Attacker, alert.Source.ToString());
        Assert.Contains("on 10 hosts", alert.Description, StringComparison.Ordinal); // written when the sweep crosses the threshold
    }

    [Fact]
    public void AnAsfSweepIsOneIpmiDiscoveryAlertNotTwo()
    {
        var b = Site();
        for (var i = 0; i < 60; i++)
        {
            b.Add(700 + i * 0.02, Frames.Udp(Attacker, 40000, $"10.60.0.{100 + i}", 623, [6, 0, 0xFF, 6, 0, 0, 0x11, 0xBE, 0x80, 0, 0, 0]));
        }

        var alerts = Analyze.Capture(b).Events.Alerts;
        Assert.Single(alerts, a => a.SignatureId == Signatures.IpmiDiscoverySweep.Id);
        Assert.DoesNotContain(alerts, a => a.SignatureId == Signatures.HostSweep.Id);
    }

    [Fact]
    public void ManyShortSshSessionsAreLoginBruteForce()
    {
        var b = Site();
        var bmc = SiteCapture.Bmc(2);
        for (var i = 0; i < 25; i++)
        {
            TcpSession(b, 800 + i * 3, Attacker, (ushort)(50000 + i), bmc, 22, request: 900, response: 1500);
        }

        var alert = Assert.Single(Alerts(b, signature: Signatures.LoginBruteForce.Id));
        Assert.Equal((Attacker, bmc), (alert.Source.ToString(), alert.Destination.ToString()));
    }

    [Fact]
    public void BmcBeaconToAnOutsideAddressIsABeaconAndAnOutboundAlert()
    {
        var b = Site();
        var bmc = SiteCapture.Bmc(4);
        for (var i = 0; i < 8; i++)
        {
            TcpSession(b, 300 + i * 120 + (i % 2), bmc, (ushort)(41000 + i), "203.0.113.77", 443, request: 310, response: 120);
        }

        var alerts = Alerts(b);
        Assert.Single(alerts, a => a.SignatureId == Signatures.Beacon.Id);
        var outbound = Assert.Single(alerts, a => a.SignatureId == Signatures.BmcOutbound.Id);
        Assert.Equal((bmc, "203.0.113.77"), (outbound.Source.ToString(), outbound.Destination.ToString()));
    }

    [Fact]
    public void BmcSshToAnotherBmcIsLateralMovement()
    {
        var b = Site();
        TcpSession(b, 900, SiteCapture.Bmc(0), 45000, SiteCapture.Bmc(5), 22);
        var alert = Assert.Single(Alerts(b));
        Assert.Equal(Signatures.BmcLateral.Id, alert.SignatureId);
        Assert.Contains("another BMC", alert.Description, StringComparison.Ordinal);
    }

    /// <summary>The first TLS ClientHello OpenSSL sent in pcaps/tls-openssl.pcap (a TCP payload that starts a handshake record).</summary>
    private static byte[] RecordedClientHello()
    {
        foreach (var (_, frame) in RecordedFrames.Load(Path.Combine(RepoPaths.Pcaps, "tls-openssl.pcap")))
        {
            var ip = 14;
            if (frame.Length < ip + 20 || frame[12] != 0x08 || frame[13] != 0x00 || frame[ip + 9] != 6)
            {
                continue;
            }

            var tcp = ip + ((frame[ip] & 0x0F) * 4);
            var payload = tcp + ((frame[tcp + 12] >> 4) * 4);
            if (payload + 6 <= frame.Length && frame[payload] == 0x16 && frame[payload + 5] == 0x01)
            {
                return frame[payload..];
            }
        }

        throw new InvalidOperationException("no ClientHello in tls-openssl.pcap");
    }

    [Theory]
    [InlineData(636, false)]  // LDAPS: the BMC checks an admin's login against the directory
    [InlineData(3269, false)] // global catalog over TLS, the same
    [InlineData(443, true)]   // HTTPS to another host is lateral
    public void BmcTlsToTheDirectoryIsALoginCheckNotLateralMovement(ushort port, bool lateral)
    {
        var b = Site();
        TcpSession(b, 900, SiteCapture.Bmc(0), 45000, SiteCapture.Bmc(5), port, requestBytes: RecordedClientHello());
        Assert.Equal(lateral, Alerts(b).Any(a => a.SignatureId == Signatures.BmcLateral.Id));
    }

    [Fact]
    public void WithAModelABmcsKnownOutsidePeerIsNotReported()
    {
        var bmc = SiteCapture.Bmc(1);
        var baseline = SiteCapture.Build(seed: 1, minutes: 60);
        for (var i = 0; i < 20; i++)
        {
            baseline.Add(100 + i * 150, Frames.Udp(bmc, 123, "192.0.2.123", 123, NtpRequest()));
            baseline.Add(100 + i * 150 + 0.01, Frames.Udp("192.0.2.123", 123, bmc, 123, NtpRequest()));
        }

        var model = AnomalyModel.Load(TestModels.Train(baseline.WriteTemp()));
        var day = SiteCapture.Build(seed: 2, minutes: 20, startSeconds: 86_400);
        day.Add(86_500, Frames.Udp(bmc, 123, "192.0.2.123", 123, NtpRequest()));
        day.Add(86_500.01, Frames.Udp("192.0.2.123", 123, bmc, 123, NtpRequest()));
        var withModel = Alerts(day, new PipelineOptions { Baseline = model.Profile });
        Assert.DoesNotContain(withModel, a => a.SignatureId == Signatures.BmcOutbound.Id);
        var withoutModel = Alerts(day);
        Assert.Contains(withoutModel, a => a.SignatureId == Signatures.BmcOutbound.Id);
    }

    [Fact]
    public void ConsoleAndVirtualMediaFromHostsNewToThemAreReportedOnlyWithABaseline()
    {
        // Port 5900 carrying traffic both ways is a console session (RFB, or a vendor's own protocol);
        // TCP 623 on a BMC is Supermicro virtual media.
        var bmc = SiteCapture.Bmc(2);
        var baseline = SiteCapture.Build(seed: 1, minutes: 60);
        TcpSession(baseline, 700, SiteCapture.Admin, 41000, bmc, 5900, request: 300, response: 1400);
        TcpSession(baseline, 900, SiteCapture.Admin, 41001, bmc, 623, request: 600, response: 200);
        var model = AnomalyModel.Load(TestModels.Train(baseline.WriteTemp()));

        var day = SiteCapture.Build(seed: 2, minutes: 20, startSeconds: 86_400);
        TcpSession(day, 86_500, SiteCapture.Admin, 42000, bmc, 5900, request: 300, response: 1400); // the usual admin
        TcpSession(day, 86_600, Attacker, 42001, bmc, 5900, request: 300, response: 1400);
        TcpSession(day, 86_700, Attacker, 42002, bmc, 623, request: 600, response: 200);
        var options = new PipelineOptions { Baseline = model.Profile };
        var console = Assert.Single(Alerts(day, options, Signatures.KvmFromNewHost.Id));
        Assert.Equal((Attacker, bmc), (console.Source.ToString(), console.Destination.ToString()));
        var media = Assert.Single(Alerts(day, options, Signatures.VirtualMediaFromNewHost.Id));
        Assert.Equal(Attacker, media.Source.ToString());
        Assert.Contains("virtual-media", media.Description, StringComparison.Ordinal);

        // Without a baseline nothing is new.
        Assert.Empty(Alerts(day, signature: Signatures.KvmFromNewHost.Id));
        Assert.Empty(Alerts(day, signature: Signatures.VirtualMediaFromNewHost.Id));
    }

    [Fact]
    public void ThresholdsAreSettable()
    {
        var b = Site();
        var bmc = SiteCapture.Bmc(1);
        for (var p = 0; p < 8; p++)
        {
            b.Add(600 + p * 0.01, Frames.Tcp(Attacker, 55555, bmc, (ushort)(20 + p), Frames.Syn, seq: 7));
        }

        Assert.Empty(Alerts(b, signature: Signatures.PortScan.Id));
        Assert.Null(DetectionSettings.TryParse(["scan.ports=5"], out var settings));
        Assert.Single(Alerts(b, new PipelineOptions { Detection = settings }, Signatures.PortScan.Id));
    }

    private static byte[] NtpRequest()
    {
        var p = new byte[48];
        p[0] = 0x23;
        return p;
    }
}
