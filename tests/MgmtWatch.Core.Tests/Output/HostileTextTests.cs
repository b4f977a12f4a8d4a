using System.Text;
using System.Text.Json;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Tests.Analyzers.Dns;
using MgmtWatch.Core.Tests.Analyzers.Tls;
using MgmtWatch.Fuzz;

namespace MgmtWatch.Core.Tests.Output;

/// <summary>
/// Text an attacker chooses (a TLS server name, an HTTP user agent, a VNC desktop name, a DHCP host name, an
/// SSH banner, a DNS name) sent through the real analyzers and the real writers: EVE, the JSON flow log and
/// the Zeek TSV flow log must stay one valid record per line, hold no control character, no bidirectional
/// override and no invalid UTF-16 once decoded, and respect the length caps. Every run is also checked by
/// <see cref="FuzzTargets.CheckOutputs"/>, the check the fuzzer applies to every input.
/// </summary>
public class HostileTextTests
{
    /// <summary>
    /// ESC [2J (clear screen), ESC ]0; (set the window title), CR and LF (forge a line), NUL, TAB (forge a TSV
    /// column), a comma (forge a Zeek set element), a backslash, invalid UTF-8, the 8-bit CSI (U+009B in
    /// UTF-8) and RIGHT-TO-LEFT OVERRIDE.
    /// </summary>
    private static readonly byte[] Hostile =
    [
        .. "bmc"u8, 0x1B, .. "[2J"u8, 0x1B, .. "]0;owned"u8, 0x07, (byte)'\r', (byte)'\n', 0x00, (byte)'\t', (byte)',', (byte)'\\',
        0xC3, 0x28, 0xFF, 0xC2, 0x9B, .. "31m"u8, 0xE2, 0x80, 0xAE, .. "gpj.exe"u8,
    ];

    /// <summary>How WireText writes <see cref="Hostile"/>: every byte outside printable ASCII, and the backslash, as \xHH.</summary>
    private const string HostileEscaped = "bmc\\x1b[2J\\x1b]0;owned\\x07\\x0d\\x0a\\x00\\x09,\\x5c\\xc3(\\xff\\xc2\\x9b31m\\xe2\\x80\\xaegpj.exe";

    private static byte[] Big(int size) => [.. Enumerable.Range(0, size).Select(i => i % 97 == 0 ? Hostile[i / 97 % Hostile.Length] : (byte)('a' + (i % 26)))];

    [Fact]
    public void TlsServerNameIsEscapedInEveAndBothFlowLogs()
    {
        byte[] sni = [0, .. TlsBytes.Vector16([0, .. TlsBytes.Vector16(Hostile)])];
        var hello = TlsBytes.Records(TlsBytes.ClientHello(0x0303, [0x1301, 0xC02F], [(0, sni[1..])]));
        var run = FuzzTargets.Conversation("tls", true, (false, hello));
        Assert.Equal(HostileEscaped, Field(run, "tls.sni"));
        AssertClean(run);
        Assert.Contains("tls.sni=" + HostileEscaped.Replace(",", "\\x2c", StringComparison.Ordinal), TsvRow(run), StringComparison.Ordinal);
    }

    [Fact]
    public void HugeTlsServerNameStaysWithinTheCap()
    {
        var name = Big(60_000);
        byte[] sni = [.. TlsBytes.Vector16([0, .. TlsBytes.Vector16(name)])];
        var hello = TlsBytes.Records(TlsBytes.ClientHello(0x0303, [0x1301], [(0, sni)]));
        var run = FuzzTargets.Conversation("tls", true, (false, hello));
        AssertClean(run);
        Assert.True((Field(run, "tls.sni")?.Length ?? 0) <= 255 * 4 + 1);
    }

    [Fact]
    public void HttpUserAgentAndHostAreEscapedAndCapped()
    {
        byte[] request = [.. "GET /redfish/v1 HTTP/1.1\r\nHost: "u8, .. Hostile.Where(b => b is not ((byte)'\r' or (byte)'\n')), .. "\r\nUser-Agent: Mozilla/5.0 (X11, Linux) "u8,
            .. Big(100_000).Where(b => b is not ((byte)'\r' or (byte)'\n')), .. "\r\n\r\n"u8];
        var run = FuzzTargets.Conversation("http", true, (false, request), (true, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray()));
        AssertClean(run);
        var agent = Field(run, "http.user_agent");
        if (agent is not null)
        {
            Assert.StartsWith("Mozilla/5.0 (X11, Linux) ", agent, StringComparison.Ordinal);
            Assert.True(agent.Length <= (256 * 4) + 1, "user agent of " + agent.Length + " characters");
        }

        Assert.All(Strings(run), s => Assert.True(s.Length <= WireText.MaxFieldChars + 1));
    }

    [Fact]
    public void HttpUserAgentWithAHostileValueReadsBackEscaped()
    {
        byte[] request = [.. "GET / HTTP/1.1\r\nHost: bmc\r\nUser-Agent: "u8, .. Hostile.Where(b => b is not ((byte)'\r' or (byte)'\n')), .. "\r\n\r\n"u8];
        var run = FuzzTargets.Conversation("http", true, (false, request), (true, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray()));
        AssertClean(run);
        Assert.Equal(HostileEscaped.Replace("\\x0d\\x0a", "", StringComparison.Ordinal), Field(run, "http.user_agent"));
    }

    [Fact]
    public void VncDesktopNameOf100KilobytesIsEscapedAndCut()
    {
        var name = Big(100_000);
        byte[] serverInit = [0x04, 0x00, 0x03, 0x00, .. new byte[16], (byte)(name.Length >> 24), (byte)(name.Length >> 16), (byte)(name.Length >> 8), (byte)name.Length, .. name];
        var run = FuzzTargets.Conversation("rfb", true,
            (true, "RFB 003.008\n"u8.ToArray()), (false, "RFB 003.008\n"u8.ToArray()),
            (true, [1, 1]), (false, [1]), (true, [0, 0, 0, 0]), (false, [1]), (true, serverInit));
        AssertClean(run);
        var desktop = Field(run, "rfb.desktop_name");
        Assert.NotNull(desktop);
        Assert.StartsWith(WireText.Escape(name.AsSpan(0, 40), 40), desktop, StringComparison.Ordinal);
        Assert.EndsWith(WireText.TruncationMark, desktop, StringComparison.Ordinal);
        Assert.True(desktop.Length <= (255 * 4) + 1);
    }

    [Fact]
    public void DhcpHostNameIsEscaped()
    {
        byte[] options = [53, 1, 1, 12, (byte)Hostile.Length, .. Hostile, 255];
        var run = FuzzTargets.Conversation("dhcp", false, (false, Analyzers.Dhcp.DhcpAnalyzerTests.Message(1, options)));
        AssertClean(run);
        Assert.Equal(HostileEscaped, Field(run, "dhcp.hostname"));
    }

    [Fact]
    public void SshBannerIsEscaped()
    {
        byte[] banner = [.. "SSH-2.0-OpenSSH_9.2 "u8, .. Hostile.Where(b => b is not ((byte)'\r' or (byte)'\n')), (byte)'\r', (byte)'\n'];
        var run = FuzzTargets.Conversation("ssh", true, (true, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"u8.ToArray()), (false, banner));
        AssertClean(run);
        Assert.Equal("OpenSSH_9.2 " + HostileEscaped.Replace("\\x0d\\x0a", "", StringComparison.Ordinal), Field(run, "ssh.client"));
    }

    [Fact]
    public void DnsNameWithControlBytesIsInPresentationForm()
    {
        byte[] label = [.. "a"u8, 0x1B, .. "[2J"u8, 0x00, 0xFF, (byte)'.', (byte)'\t'];
        byte[] query = [.. DnsPackets.Header(7, 0x0100, 1, 0), (byte)label.Length, .. label, 3, .. "bmc"u8, 0, 0, 1, 0, 1];
        var run = FuzzTargets.Conversation("dns", false, (false, query));
        AssertClean(run);
        Assert.Equal("a\\027[2J\\000\\255\\.\\009.bmc", Field(run, "dns.query"));
    }

    /// <summary>The pipeline's gate: an analyzer that forgets to escape still cannot put raw text or unbounded text in any output.</summary>
    [Fact]
    public void PipelineSanitizesWhatAnAnalyzerForgotToEscape()
    {
        var careless = new CarelessAnalyzer("evil\u001b[2J\r\nline\u202Eexe\ud800" + new string('x', 100_000));
        var b = new Support.PcapBuilder().Add(0, Support.Frames.Udp("10.0.0.1", 40000, "10.0.0.9", CarelessAnalyzer.Port, [1, 2, 3]));
        var run = Support.AnalyzeWithOutputs.Capture(b, new MgmtWatch.Core.Pipeline.PipelineOptions
        {
            Analyzers = () => new AnalyzerRegistry([careless]),
            Fingerprinter = Support.AnalyzeWithOutputs.Fingerprinter,
        });
        var flow = JsonDocument.Parse(run.FlowLog.Split('\n')[0]).RootElement;
        var value = flow.GetProperty("mgmtwatch.careless.text").GetString()!;
        Assert.StartsWith("evil\\x1b[2J\\x0d\\x0aline\\u202eexe\\ud800xxx", value, StringComparison.Ordinal);
        Assert.Equal(WireText.MaxFieldChars + 1, value.Length);
        Assert.EndsWith(WireText.TruncationMark, value, StringComparison.Ordinal);
        var alert = run.Eve.Split('\n').Select(l => l.Trim()).Single(l => l.Contains("\"event_type\":\"alert\"", StringComparison.Ordinal));
        var a = JsonDocument.Parse(alert).RootElement.GetProperty("mgmtwatch");
        Assert.False(FuzzTargets.IsHostile(a.GetProperty("description").GetString()!, out _));
        Assert.DoesNotContain("\\u001b", run.Eve + run.FlowLog, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(null, "-")]
    [InlineData("", "(empty)")]
    [InlineData("-", "\\x2d")]
    [InlineData("(empty)", "\\x28empty)")]
    [InlineData("a\tb", "a\\x09b")]
    [InlineData("a\nb\rc", "a\\x0ab\\x0dc")]
    [InlineData("caf\u00e9", "caf\\xc3\\xa9")]
    [InlineData("x,y", "x,y")]
    [InlineData("a\\x1b", "a\\x1b")]
    public void ZeekTsvStringsAreEscapedAsZeekDoes(string? value, string expected)
    {
        var buffer = new byte[256];
        var n = Core.Output.FlowLogTsvSink.ZeekString(buffer, value, inContainer: false);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void ZeekTsvVectorElementsEscapeTheSetSeparator()
    {
        var buffer = new byte[64];
        var n = Core.Output.FlowLogTsvSink.ZeekString(buffer, "x,y", inContainer: true);
        Assert.Equal("x\\x2cy", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void SanitizeLeavesSafeTextAloneWithoutCopying()
    {
        const string Safe = "OpenSSH_9.2 caf\u00e9 \\x1b \U0001F600";
        Assert.Same(Safe, WireText.Sanitize(Safe));
    }

    [Theory]
    [InlineData("a\u001bb", "a\\x1bb")]
    [InlineData("a\u009bb", "a\\x9bb")]
    [InlineData("a\u007fb", "a\\x7fb")]
    [InlineData("a\u202eb", "a\\u202eb")]
    [InlineData("a\u2066b", "a\\u2066b")]
    public void SanitizeEscapesWhatATerminalOrViewerWouldObey(string text, string expected) =>
        Assert.Equal(expected, WireText.Sanitize(text));

    /// <summary>Lone surrogates cannot go through theory data (the runner's serializer replaces them), hence a fact.</summary>
    [Fact]
    public void SanitizeEscapesLoneSurrogates()
    {
        Assert.Equal("a\\udc00b", WireText.Sanitize("a" + (char)0xDC00 + "b"));
        Assert.Equal("a\\ud800", WireText.Sanitize("a" + (char)0xD800));
    }

    [Fact]
    public void SanitizeCutsNeitherAnEscapeNorASurrogatePair()
    {
        Assert.Equal("ab" + WireText.TruncationMark, WireText.Sanitize("ab\u001b", 4));
        Assert.Equal("abc" + WireText.TruncationMark, WireText.Sanitize("abc\U0001F600", 4));
        Assert.Equal("ab\\x1b" + WireText.TruncationMark, WireText.Sanitize("ab\u001bcdef", 6));
    }

    private static string? Field(FuzzTargets.Rendered run, string name)
    {
        string? value = null;
        foreach (var line in Encoding.UTF8.GetString(run.FlowsJson).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (JsonDocument.Parse(line).RootElement.TryGetProperty("mgmtwatch." + name, out var v))
            {
                value = v.GetString();
            }
        }

        return value;
    }

    private static string TsvRow(FuzzTargets.Rendered run) =>
        Encoding.ASCII.GetString(run.FlowsTsv).Split('\n').Single(l => l.Length > 0 && l[0] != '#');

    private static IEnumerable<string> Strings(FuzzTargets.Rendered run)
    {
        static IEnumerable<string> Walk(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Walk(p.Value).Prepend(p.Name)),
            JsonValueKind.Array => e.EnumerateArray().SelectMany(Walk),
            JsonValueKind.String => [e.GetString()!],
            _ => [],
        };

        return Encoding.UTF8.GetString([.. run.Eve, .. run.FlowsJson]).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(l => Walk(JsonDocument.Parse(l).RootElement));
    }

    /// <summary>Raw bytes an attacker could use never appear in any output (CheckOutputs already ran on decoded strings).</summary>
    private static void AssertClean(FuzzTargets.Rendered run)
    {
        FuzzTargets.CheckOutputs(run.Eve, run.FlowsJson, run.FlowsTsv);
        foreach (var output in new[] { run.Eve, run.FlowsJson, run.FlowsTsv })
        {
            Assert.DoesNotContain((byte)0x1B, output);
            Assert.DoesNotContain((byte)'\r', output);
            Assert.DoesNotContain((byte)0x00, output);
            Assert.True(Encoding.UTF8.GetCharCount(output) >= 0);
        }

        Assert.DoesNotContain("\\u001b", Encoding.UTF8.GetString(run.Eve), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u001b", Encoding.UTF8.GetString(run.FlowsJson), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A deliberately careless analyzer: it puts raw text in a field and an alert, to test the pipeline's gate.</summary>
    private sealed class CarelessAnalyzer(string text) : IProtocolAnalyzer
    {
        public const ushort Port = 9999;

        public string Name => "careless";

        public IReadOnlyList<ServicePort> Ports { get; } = [new(Core.Decoding.IpProtocol.Udp, Port)];

        public bool Accepts(scoped in AnalyzerPacket packet) => false;

        public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
        {
            context.Confirm(packet);
            context.Alert(Core.Detection.Signatures.ResourceExhaustion, packet, "description with " + text, [new("careless.evidence", text)]);
        }

        public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context) =>
            fields.Add(new("careless.text", text));
    }
}
