using System.Text;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Analyzers.Http;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Http;

public class HttpAnalyzerTests
{
    private static readonly CredentialFingerprinter Fingerprinter = new([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    private static readonly PipelineOptions Options = new() { Fingerprinter = Fingerprinter };

    /// <summary>
    /// Zeek's basic-auth-with-colon trace (raw IP link type): the password itself holds a colon. tshark gives
    /// the decoded "user:password"; split at the first colon (RFC 7617 §2) the lengths must be the user's and
    /// the password's, the user name must appear only as its fingerprint, and neither the user name, the
    /// password nor the base64 token may appear anywhere in EVE or the flow log.
    /// </summary>
    [SkippableFact]
    public void BasicCredentialsWithAColonInThePasswordRaiseOneAlertAndNeverAppearInClear()
    {
        RepoPaths.SkipUnlessShared();
        Tshark.SkipUnlessInstalled();
        var path = Path.Combine(RepoPaths.SharedPcaps, "https", "zeek-http-basic-auth-with-colon.pcap");
        var row = Assert.Single(Tshark.Fields(path, "http.authbasic", ["http.authbasic", "http.authorization"]));
        var clear = row[0];
        var colon = clear.IndexOf(':', StringComparison.Ordinal);
        var user = clear[..colon];
        var password = clear[(colon + 1)..];
        var token = row[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Contains(":", password, StringComparison.Ordinal);

        var run = RenderedRun.Of(path, Options);
        var alert = Assert.Single(run.Events.Alerts);
        Assert.Equal(Signatures.HttpBasicCredentialsInClear.Id, alert.SignatureId);
        Assert.Equal("http", alert.AppProto);
        var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(Fingerprinter.Fingerprint(Encoding.UTF8.GetBytes(user)), evidence["http.user"]);
        Assert.Equal(user.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), evidence["http.user_length"]);
        Assert.Equal(password.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), evidence["http.password_length"]);

        var flow = Assert.Single(run.FlowsOf("http"));
        Assert.Equal("Basic", flow.Field("http.auth_scheme"));
        Assert.Equal(evidence["http.user"], flow.Field("http.user"));
        Assert.Equal("200", flow.Field("http.status"));
        foreach (var secret in new[] { clear, user, password, token })
        {
            Assert.DoesNotContain(secret, run.AllOutput, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void FuzzedHttpCaptureIsReadWithoutAnException()
    {
        RepoPaths.SkipUnlessShared();
        var run = RenderedRun.Of(Path.Combine(RepoPaths.SharedPcaps, "malformed", "ndpi-fuzz-2006-09-29-28586.pcap"), Options);
        Assert.NotEmpty(run.FlowsOf("http"));
    }

    [Theory]
    [InlineData("GET", 49152, "/PSBlock", true)]
    [InlineData("POST", 49152, "/psblock", true)]
    [InlineData("GET", 49152, "/PSBlock?x=1", true)]
    [InlineData("GET", 80, "/PSBlock", false)]
    [InlineData("GET", 49152, "/PSBlockX", false)]
    public void PsBlockRequestOnTheUpnpPortRaisesTheSupermicroAlert(string method, ushort port, string target, bool alert)
    {
        var run = RenderedRun.Of(Exchange(port, $"{method} {target} HTTP/1.1\r\nHost: 10.0.0.9:{port}\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nXXXX"));
        Assert.Equal(alert ? [Signatures.SupermicroPasswordFile.Id] : [], run.Events.Alerts.Select(a => a.SignatureId));
        Assert.Equal(method, Assert.Single(run.FlowsOf("http")).Field("http.method"));
    }

    /// <summary>
    /// The usual browser exchange: a request, 401, the same request with credentials on the same connection,
    /// bodies in both directions passed over by Content-Length, then a HEAD whose response has a
    /// Content-Length but no body.
    /// </summary>
    [Fact]
    public void KeepAliveExchangeIsFollowedAcrossBodiesAndCredentialsAlertOnce()
    {
        var basic = Convert.ToBase64String(Encoding.ASCII.GetBytes("ADMIN:Sup3rS3cret"));
        var body = new string('x', 3000);
        var client =
            "POST /cgi/login.cgi HTTP/1.1\r\nHost: bmc\r\nContent-Length: 3000\r\n\r\n" + body +
            $"POST /cgi/login.cgi HTTP/1.1\r\nHost: bmc\r\nAuthorization: Basic {basic}\r\nContent-Length: 3000\r\n\r\n" + body +
            $"HEAD /index.html HTTP/1.1\r\nHost: bmc\r\nAuthorization: Basic {basic}\r\n\r\n" +
            "\r\nGET /redfish/v1/Systems/1?sessiontoken=abcdef HTTP/1.1\r\nHost: bmc\r\n\r\n";
        var server =
            "HTTP/1.1 401 Unauthorized\r\nServer: ATEN HTTP Server(V2.0)\r\nContent-Length: 5000\r\n\r\n" + new string('y', 5000) +
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789" +
            "HTTP/1.1 200 OK\r\nContent-Length: 777\r\n\r\n" +
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 80).Handshake()
            .Client(Encoding.ASCII.GetBytes(client), segment: 1000).Server(Encoding.ASCII.GetBytes(server), segment: 1400).Close();
        var run = RenderedRun.Of(b, Options);
        var flow = Assert.Single(run.FlowsOf("http"));
        Assert.Equal("4", flow.Field("http.requests"));
        Assert.Equal("401,200,200,404", flow.Field("http.status"));
        Assert.Equal("POST", flow.Field("http.method"));
        Assert.Equal("/cgi/login.cgi", flow.Field("http.uri"));
        Assert.Equal("ATEN HTTP Server(V2.0)", flow.Field("http.server"));
        Assert.Equal("true", flow.Field("http.redfish"));
        var alert = Assert.Single(run.Events.Alerts);
        Assert.Equal(Signatures.HttpBasicCredentialsInClear.Id, alert.SignatureId);
        Assert.Equal(1, run.Summary.AlertsSuppressed);
        Assert.Empty(run.AnomaliesOf("http"));
        foreach (var secret in new[] { "ADMIN", "Sup3rS3cret", basic, "abcdef" })
        {
            Assert.DoesNotContain(secret, run.AllOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void QueryStringsNeverReachTheOutput()
    {
        var run = RenderedRun.Of(Exchange(8080, "GET /redfish/v1/SessionService?password=hunter2&user=root HTTP/1.1\r\nHost: bmc\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        var flow = Assert.Single(run.FlowsOf("http"));
        Assert.Equal("/redfish/v1/SessionService", flow.Field("http.uri"));
        Assert.DoesNotContain("hunter2", run.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void BasicTokenThatIsNotBase64IsAnAnomalyNotAnAlert()
    {
        var run = RenderedRun.Of(Exchange(80, "GET / HTTP/1.1\r\nAuthorization: Basic %%%notbase64%%%\r\n\r\n", "HTTP/1.1 400 Bad\r\n\r\n"));
        Assert.Empty(run.Events.Alerts);
        Assert.Equal(["HTTP_BAD_BASIC_AUTH"], run.AnomaliesOf("http"));
    }

    [Fact]
    public void OversizedHeaderBlockIsAnAnomaly()
    {
        var run = RenderedRun.Of(Exchange(80, "GET / HTTP/1.1\r\nX-Long: " + new string('a', 20000) + "\r\n\r\n", "HTTP/1.1 431 Too Large\r\n\r\n"));
        Assert.Contains("HTTP_HEADER_TOO_LONG", run.AnomaliesOf("http"));
    }

    [Fact]
    public void BinaryBytesOnPort80AreNotHttpAndRaiseNothing()
    {
        var junk = new byte[2000];
        new Random(5).NextBytes(junk);
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", 80).Handshake().Client(junk).Server(junk).Close();
        var run = RenderedRun.Of(b);
        Assert.Empty(run.FlowsOf("http"));
        Assert.Empty(run.AnomaliesOf("http"));
    }

    [Fact]
    public void HttpOnAnUnusualPortIsFoundByContent()
    {
        var run = RenderedRun.Of(Exchange(8000, "GET /index.html HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK\r\n\r\n"));
        Assert.Equal("/index.html", Assert.Single(run.FlowsOf("http")).Field("http.uri"));
    }

    [Fact]
    public void AcceptsIsStrict()
    {
        var analyzer = new HttpAnalyzer();
        bool Accepts(string text, bool fromOriginator) => analyzer.Accepts(AnalyzerPackets.Tcp(Encoding.ASCII.GetBytes(text), fromOriginator, 8000));
        Assert.True(Accepts("GET / HTTP/1.1\r\nHost: x\r\n", true));
        Assert.True(Accepts("HTTP/1.1 200 OK\r\n", false));
        Assert.False(Accepts("GET / HTTP/1.1\r\n", false));
        Assert.False(Accepts("GETX / HTTP/1.1\r\n", true));
        Assert.False(Accepts("GET / FTP/1.1\r\n", true));
        Assert.False(Accepts("GET / HTTP/1.1", true));
        Assert.False(Accepts("SSH-2.0-x\r\n", true));
        Assert.False(Accepts("HTTP/1.1 999 What\r\n", false));
    }

    private const string Token = "8f2b9c1e4d7a6b3c5e0f9a8b7c6d5e4f";

    private const string Password = "Sup3r-S3cret!";

    /// <summary>
    /// Redfish requests in clear: a login (its password in the body), changes and authenticated reads alert
    /// with what they expose; anonymous reads of the service root and requests outside the API do not. Neither
    /// the session token nor the password appears anywhere in EVE or the flow log.
    /// </summary>
    [Theory]
    [InlineData("POST", "/redfish/v1/SessionService/Sessions", false, "login")]
    [InlineData("POST", "/rest/v1/Sessions", false, "login")]
    [InlineData("GET", "/redfish/v1/", false, null)]
    [InlineData("GET", "/redfish/v1/$metadata", false, null)]
    [InlineData("GET", "/redfish/v1/Systems/1", true, "authenticated_read")]
    [InlineData("PATCH", "/redfish/v1/AccountService/Accounts/3", true, "account_change")]
    [InlineData("POST", "/rest/v1/AccountService/Accounts", false, "account_change")]
    [InlineData("POST", "/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate", true, "firmware_update")]
    [InlineData("POST", "/redfish/v1/Managers/1/VirtualMedia/CD/Actions/VirtualMedia.InsertMedia", true, "virtual_media")]
    [InlineData("POST", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset", true, "reset")]
    [InlineData("POST", "/redfish/v1/EventService/Subscriptions", true, "event_subscription")]
    [InlineData("DELETE", "/redfish/v1/SessionService/Sessions/42", true, "logout")]
    [InlineData("PATCH", "/redfish/v1/Managers/1/NetworkProtocol", true, "change")]
    [InlineData("GET", "/index.html", true, null)]
    [InlineData("POST", "/cgi/login.cgi", false, null)]
    public void RedfishInClearAlertsWithWhatItExposes(string method, string path, bool token, string? exposure)
    {
        var body = $"{{\"UserName\":\"admin\",\"Password\":\"{Password}\"}}";
        var request = $"{method} {path} HTTP/1.1\r\nHost: 10.0.0.9\r\n" + (token ? $"X-Auth-Token: {Token}\r\n" : "") +
            $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}";
        var response = $"HTTP/1.1 201 Created\r\nX-Auth-Token: {Token}\r\nLocation: /redfish/v1/SessionService/Sessions/42\r\nContent-Length: 2\r\n\r\n{{}}";
        var run = RenderedRun.Of(Exchange(80, request, response), Options);
        if (exposure is null)
        {
            Assert.Empty(run.Events.Alerts);
        }
        else
        {
            var alert = Assert.Single(run.Events.Alerts);
            Assert.Equal(Signatures.RedfishInClear.Id, alert.SignatureId);
            Assert.Equal(("10.0.0.1", "10.0.0.9"), (alert.Source.ToString(), alert.Destination.ToString()));
            var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal(exposure, evidence["redfish.exposure"]);
            Assert.Equal((method, path), (evidence["http.method"], evidence["http.uri"]));
        }

        Assert.DoesNotContain(Token, run.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.AllOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// OpenBMC names Redfish accounts by user: the member segment of an account's path leaves only as its keyed
    /// fingerprint, in the alert, its evidence and the flow record; a numeric member (Accounts/3) stays.
    /// </summary>
    [Fact]
    public void AnAccountNamedByItsUserIsWrittenOnlyAsAFingerprint()
    {
        const string User = "operator7";
        var request = $"PATCH /redfish/v1/AccountService/Accounts/{User}/ HTTP/1.1\r\nHost: bmc\r\nX-Auth-Token: {Token}\r\nContent-Length: 2\r\n\r\n{{}}";
        var run = RenderedRun.Of(Exchange(80, request, "HTTP/1.1 204 No Content\r\n\r\n"), Options);
        var shown = $"/redfish/v1/AccountService/Accounts/{Fingerprinter.Fingerprint(Encoding.ASCII.GetBytes(User))}/";
        var alert = Assert.Single(run.Events.Alerts);
        Assert.Contains(alert.Evidence!, e => e is { Key: "http.uri" } && e.Value == shown);
        Assert.Contains(alert.Evidence!, e => e is { Key: "redfish.exposure", Value: "account_change" });
        Assert.Equal(shown, Assert.Single(run.FlowsOf("http")).Field("http.uri"));
        Assert.DoesNotContain(User, run.AllOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// The CVE-2017-12542 request as Metasploit's hp_ilo_create_admin_account sends it (29 'A's), and the
    /// Connection headers real clients send, one of them a long list of options.
    /// </summary>
    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("keep-alive", false)]
    [InlineData("keep-alive, Upgrade, HTTP2-Settings, TE, close", false)]
    public void OverlongConnectionHeaderRaisesTheIloBypassAlert(string connection, bool alert)
    {
        var run = RenderedRun.Of(Exchange(80, $"GET /rest/v1/AccountService/Accounts HTTP/1.1\r\nHost: 10.0.0.9\r\nConnection: {connection}\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"), Options);
        Assert.Equal(alert ? [Signatures.IloAuthenticationBypass.Id] : [], run.Events.Alerts.Select(a => a.SignatureId));
        if (alert)
        {
            var evidence = run.Events.Alerts[0].Evidence!.ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal(connection.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), evidence["http.connection_length"]);
            Assert.Equal("/rest/v1/AccountService/Accounts", evidence["http.uri"]);
        }
    }

    private static PcapBuilder Exchange(ushort port, string request, string response)
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", port).Handshake()
            .Client(Encoding.ASCII.GetBytes(request)).Server(Encoding.ASCII.GetBytes(response)).Close();
        return b;
    }
}

public class HttpAnalyzerPropertyTests
{
    private static readonly byte[] ClientSeed = Encoding.ASCII.GetBytes(
        "POST /redfish/v1/Sessions?x=1 HTTP/1.1\r\nHost: bmc\r\nAuthorization: Basic QURNSU46QURNSU4=\r\nContent-Length: 5\r\n\r\nhello" +
        "HEAD / HTTP/1.1\r\nHost: bmc\r\n\r\nGET /PSBlock HTTP/1.1\r\n\r\n");

    private static readonly byte[] ServerSeed = Encoding.ASCII.GetBytes(
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 3\r\nServer: x\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n");

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void MutatedAndSegmentedExchangesNeverThrow(int mutation, int position, byte value, byte[] noise, byte[] cuts, bool upnpPort, bool serverFirst)
    {
        noise ??= [];
        cuts ??= [];
        var client = StreamFuzz.Mutate(ClientSeed, mutation, position, value, noise);
        var server = StreamFuzz.Mutate(ServerSeed, mutation >> 3, position >> 3, value, noise);
        StreamFuzz.Run(client, server, upnpPort ? HttpAnalyzer.SupermicroUpnpPort : (ushort)80, cuts, serverFirst);
    }
}
