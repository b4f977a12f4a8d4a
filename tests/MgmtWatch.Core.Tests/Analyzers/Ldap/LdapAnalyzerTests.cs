using System.Globalization;
using System.Text;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Tests.Support;
using static MgmtWatch.Core.Tests.Analyzers.Snmp.SnmpPackets;

namespace MgmtWatch.Core.Tests.Analyzers.Ldap;

public class LdapAnalyzerTests
{
    private const string ServiceDn = "CN=bmc-svc,OU=Service,DC=example,DC=net";
    private const string UserDn = "CN=j.admin,OU=Admins,DC=example,DC=net";
    private const string Password = "Tr0ub4dör&3"; // a non-ASCII letter: lengths are in characters, not bytes

    private static readonly CredentialFingerprinter Fingerprinter = new([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    private static readonly PipelineOptions Options = new() { Fingerprinter = Fingerprinter };

    /// <summary>
    /// Zeek's simple-bind trace (global catalog 3268, 802.1Q): tshark gives each bind's name and password;
    /// the record keeps the last bind's lengths and the name's fingerprint, one alert covers the pair for the
    /// day, and neither name nor password appears anywhere in EVE or the flow log.
    /// </summary>
    [SkippableFact]
    public void SimpleBindsInTheZeekTraceAreOneAlertAndNeverAppearInClear()
    {
        RepoPaths.SkipUnlessShared();
        Tshark.SkipUnlessInstalled();
        var path = Path.Combine(RepoPaths.SharedPcaps, "auth", "zeek-ldap-simpleauth.pcap");
        var binds = Tshark.Fields(path, "ldap.bindRequest_element", ["ldap.name", "ldap.simple"]);
        Assert.Equal(2, binds.Count);

        var run = RenderedRun.Of(path, Options);
        var flow = Assert.Single(run.FlowsOf("ldap"));
        var (name, password) = (binds[^1][0], binds[^1][1]);
        Assert.Equal("2", flow.Field("ldap.binds"));
        Assert.Equal("simple", flow.Field("ldap.bind_auth"));
        Assert.Equal("success", flow.Field("ldap.bind_result"));
        Assert.Equal(Fingerprinter.Fingerprint(Encoding.UTF8.GetBytes(name)), flow.Field("ldap.bind_user"));
        Assert.Equal(name.Length.ToString(CultureInfo.InvariantCulture), flow.Field("ldap.bind_user_length"));
        Assert.Equal(password.Length.ToString(CultureInfo.InvariantCulture), flow.Field("ldap.password_length"));
        Assert.Equal("bind,bind_result,search,search_entry,search_done", flow.Field("ldap.operations"));

        var alert = Assert.Single(run.Events.Alerts);
        Assert.Equal(Signatures.LdapPasswordInClear.Id, alert.SignatureId);
        Assert.Equal("ldap", alert.AppProto);
        var evidence = alert.Evidence!.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(Fingerprinter.Fingerprint(Encoding.UTF8.GetBytes(binds[0][0])), evidence["ldap.bind_user"]);
        Assert.Equal(binds[0][1].Length.ToString(CultureInfo.InvariantCulture), evidence["ldap.password_length"]);
        foreach (var bind in binds)
        {
            Assert.DoesNotContain(bind[0], run.AllOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(bind[1], run.AllOutput, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A BMC's directory login as it happens on the wire (service bind, search, user bind, unbind), each
    /// message cut into 7-byte segments: read whole across segments, one alert, the last bind recorded.
    /// </summary>
    [Fact]
    public void ABmcLoginSplitIntoSmallSegmentsIsFollowed()
    {
        var client = Concat(Bind(1, ServiceDn, Simple("svc-pass-1")), Search(2, "DC=example,DC=net"), Bind(3, UserDn, Simple(Password)), Unbind(4));
        var server = Concat(Result(1, 0x61, 0), SearchDone(2), Result(3, 0x61, 49));
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.21", 41000, "10.0.0.5", 389).Handshake()
            .ClientPieces(client, [.. Enumerable.Repeat(7, client.Length / 7), client.Length]).ServerPieces(server, [.. Enumerable.Repeat(7, server.Length / 7), server.Length]).Close();
        var run = RenderedRun.Of(b, Options);
        var flow = Assert.Single(run.FlowsOf("ldap"));
        Assert.Equal("2", flow.Field("ldap.binds"));
        Assert.Equal("invalidCredentials", flow.Field("ldap.bind_result"));
        Assert.Equal(Password.Length.ToString(CultureInfo.InvariantCulture), flow.Field("ldap.password_length"));
        Assert.Equal("bind,bind_result,unbind,search,search_done", flow.Field("ldap.operations"));
        Assert.Equal([Signatures.LdapPasswordInClear.Id], run.Events.Alerts.Select(a => a.SignatureId));
        Assert.Empty(run.AnomaliesOf("ldap"));
        Assert.DoesNotContain(Password[..7], run.AllOutput, StringComparison.Ordinal); // its ASCII part: JSON could escape the rest
        Assert.DoesNotContain("j.admin", run.AllOutput, StringComparison.Ordinal);
    }

    /// <summary>How a bind authenticates decides whether a password crossed in clear.</summary>
    [Theory]
    [InlineData("", "", "anonymous", false)]
    [InlineData(UserDn, "", "unauthenticated", false)]
    [InlineData(UserDn, Password, "simple", true)]
    [InlineData("sasl:GSSAPI", "", "sasl:GSSAPI", false)]
    [InlineData("sasl:PLAIN", Password, "sasl:PLAIN", true)]
    public void BindKindsAndWhichOnesAlert(string name, string secret, string auth, bool alert)
    {
        var bind = name.StartsWith("sasl:", StringComparison.Ordinal)
            ? Bind(1, "", Sasl(name[5..], secret.Length == 0 ? null : "\0j.admin\0" + secret))
            : Bind(1, name, Simple(secret));
        var run = RenderedRun.Of(Exchange(bind, Result(1, 0x61, 0)), Options);
        var flow = Assert.Single(run.FlowsOf("ldap"));
        Assert.Equal(auth, flow.Field("ldap.bind_auth"));
        Assert.Equal(secret.Length.ToString(CultureInfo.InvariantCulture), flow.Field("ldap.password_length"));
        Assert.Equal(alert ? [Signatures.LdapPasswordInClear.Id] : [], run.Events.Alerts.Select(a => a.SignatureId));
        Assert.DoesNotContain(Password[..7], run.AllOutput, StringComparison.Ordinal); // its ASCII part: JSON could escape the rest
    }

    /// <summary>
    /// StartTLS accepted: what follows is TLS and is not read (a bind inside it raises nothing); refused: the
    /// bind that follows in clear alerts.
    /// </summary>
    [Theory]
    [InlineData(0, "true", false)]
    [InlineData(2, "refused", true)]
    public void StartTlsEndsReadingOnlyWhenTheServerAccepts(int result, string field, bool alert)
    {
        byte[] tlsHello = [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00];
        var client = Concat(StartTls(1), result == 0 ? tlsHello : [], Bind(2, UserDn, Simple(Password)));
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.21", 41000, "10.0.0.5", 389).Handshake()
            .Client(StartTls(1)).Server(Tlv(0x30, Num(1), Tlv(0x78, Num(result, 0x0A), Octets(""), Octets(""))))
            .Client(client[StartTls(1).Length..]).Close();
        var run = RenderedRun.Of(b, Options);
        var flow = Assert.Single(run.FlowsOf("ldap"));
        Assert.Equal(field, flow.Field("ldap.starttls"));
        Assert.Equal(alert ? [Signatures.LdapPasswordInClear.Id] : [], run.Events.Alerts.Select(a => a.SignatureId));
    }

    /// <summary>Broken grammar after a good message is a violation; bytes that never were LDAP are not claimed.</summary>
    [Fact]
    public void MalformedMessageAfterABindIsAnAnomalyAndOtherBytesAreNotLdap()
    {
        var broken = Tlv(0x30, Num(2), Tlv(0x60, Num(3)));
        var run = RenderedRun.Of(Exchange(Concat(Bind(1, "", Simple("")), broken), Result(1, 0x61, 0)), Options);
        Assert.Equal(["LDAP_MALFORMED_MESSAGE"], run.AnomaliesOf("ldap"));

        var other = RenderedRun.Of(Exchange(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"), Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad\r\n\r\n")), Options);
        Assert.Empty(other.FlowsOf("ldap"));
        Assert.Empty(other.AnomaliesOf("ldap"));
    }

    private static PcapBuilder Exchange(byte[] client, byte[] server)
    {
        var b = new PcapBuilder();
        new TcpConversation(b, "10.0.0.21", 41000, "10.0.0.5", 389).Handshake().Client(client).Server(server).Close();
        return b;
    }

    private static byte[] Bind(int id, string name, byte[] authentication) => Tlv(0x30, Num(id), Tlv(0x60, Num(3), Octets(name), authentication));

    private static byte[] Simple(string password) => Tlv(0x80, Encoding.UTF8.GetBytes(password));

    private static byte[] Sasl(string mechanism, string? credentials) =>
        credentials is null ? Tlv(0xA3, Octets(mechanism)) : Tlv(0xA3, Octets(mechanism), Tlv(0x04, Encoding.UTF8.GetBytes(credentials)));

    private static byte[] Result(int id, byte tag, int code) => Tlv(0x30, Num(id), Tlv(tag, Num(code, 0x0A), Octets(""), Octets("")));

    private static byte[] Search(int id, string baseDn) =>
        Tlv(0x30, Num(id), Tlv(0x63, Octets(baseDn), Num(2, 0x0A), Num(0, 0x0A), Num(0), Num(0), Tlv(0x01, [0x00]), Tlv(0x87, Encoding.ASCII.GetBytes("objectClass")), Tlv(0x30)));

    private static byte[] SearchDone(int id) => Result(id, 0x65, 0);

    private static byte[] Unbind(int id) => Tlv(0x30, Num(id), Tlv(0x42));

    private static byte[] StartTls(int id) => Tlv(0x30, Num(id), Tlv(0x77, Tlv(0x80, Encoding.ASCII.GetBytes("1.3.6.1.4.1.1466.20037"))));

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}

public class LdapAnalyzerPropertyTests
{
    private static readonly byte[] ClientSeed =
    [
        .. Tlv(0x30, Num(1), Tlv(0x60, Num(3), Octets("CN=svc,DC=x"), Tlv(0x80, Encoding.ASCII.GetBytes("pw")))),
        .. Tlv(0x30, Num(2), Tlv(0x60, Num(3), Octets(""), Tlv(0xA3, Octets("PLAIN"), Octets("\0u\0p")))),
        .. Tlv(0x30, Num(3), Tlv(0x77, Tlv(0x80, Encoding.ASCII.GetBytes("1.3.6.1.4.1.1466.20037")))),
    ];

    private static readonly byte[] ServerSeed =
    [
        .. Tlv(0x30, Num(1), Tlv(0x61, Num(0, 0x0A), Octets(""), Octets(""))),
        .. Tlv(0x30, Num(3), Tlv(0x78, Num(0, 0x0A), Octets(""), Octets(""))),
    ];

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void MutatedAndSegmentedExchangesNeverThrow(int mutation, int position, byte value, byte[] noise, byte[] cuts, bool serverFirst)
    {
        noise ??= [];
        cuts ??= [];
        var client = StreamFuzz.Mutate(ClientSeed, mutation, position, value, noise);
        var server = StreamFuzz.Mutate(ServerSeed, mutation >> 3, position >> 3, value, noise);
        StreamFuzz.Run(client, server, 389, cuts, serverFirst);
    }
}
