using System.Globalization;
using System.Text;
using MgmtWatch.Core.Analyzers.Rfb;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Rfb;

public class RfbAnalyzerTests
{
    /// <summary>
    /// Every RFB session in both public captures: versions, chosen security type, authentication result,
    /// shared flag and desktop name equal tshark's vnc.* fields for the same connection.
    /// </summary>
    [SkippableTheory]
    [InlineData("zeek-rfb-vnc-mac-to-linux.pcap")]
    [InlineData("zeek-rfb-vncmac.pcap")]
    public void PublicSessionsMatchTsharkVncFields(string file)
    {
        RepoPaths.SkipUnlessShared();
        Tshark.SkipUnlessInstalled();
        var path = Path.Combine(RepoPaths.SharedPcaps, "kvm", file);
        var rows = Tshark.Fields(path, "vnc", ["tcp.srcport", "tcp.dstport", "vnc.server_proto_ver", "vnc.client_proto_ver",
            "vnc.server_security_type", "vnc.client_security_type", "vnc.auth_result", "vnc.share_desktop_flag", "vnc.desktop_name"]);
        var flows = RenderedRun.Of(path).FlowsOf("rfb");
        Assert.Equal(3, flows.Count);
        foreach (var flow in flows)
        {
            var client = flow.OrigPort().ToString(CultureInfo.InvariantCulture);
            string? Value(int column) => rows.Where(r => (r[0] == client || r[1] == client) && r[column] != "").Select(r => r[column]).SingleOrDefault();
            Assert.Equal(Value(2), flow.Field("rfb.server_version"));
            Assert.Equal(Value(3), flow.Field("rfb.client_version"));
            Assert.Equal(Value(4) ?? Value(5), flow.Field("rfb.security_type"));
            Assert.Equal(Value(6) switch { "0" => "true", "1" => "false", _ => null }, flow.Field("rfb.auth_ok"));
            Assert.Equal(Value(7) switch { "1" => "true", "0" => "false", _ => null }, flow.Field("rfb.shared"));
            if (Value(8) is { } name)
            {
                Assert.Equal(name, flow.Field("rfb.desktop_name"));
            }

            Assert.Equal("console", flow.Field("kvm.kind"));
            Assert.Equal(flow.GetProperty("id.orig_h").GetString(), flow.Field("kvm.client"));
        }
    }

    /// <summary>
    /// Zeek's rfb.log baselines for the same traces (testing/btest/Baseline/scripts.base.protocols.rfb.*):
    /// method, auth, share flag, desktop name (escaped as Zeek escapes it), width and height per connection.
    /// </summary>
    [SkippableTheory]
    [InlineData("zeek-rfb-vnc-mac-to-linux.pcap", 49259, "VNC", "true", "true", "root's X desktop (martin-VirtualBox:1)", "1024", "768")]
    [InlineData("zeek-rfb-vnc-mac-to-linux.pcap", 49256, "VNC", null, null, null, null, null)]
    [InlineData("zeek-rfb-vnc-mac-to-linux.pcap", 49257, "VNC", "false", null, null, null, null)]
    [InlineData("zeek-rfb-vncmac.pcap", 52353, "Apple Remote Desktop", "true", "true",
        "\\x00\\x00\\x00\\x00\\x00\\x02\\xbf\\xfe\\xe7\\x03\\xe0\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00MacMini SSD", "1920", "1080")]
    [InlineData("zeek-rfb-vncmac.pcap", 52351, null, null, null, null, null, null)]
    [InlineData("zeek-rfb-vncmac.pcap", 52352, "Apple Remote Desktop", "false", null, null, null, null)]
    public void SessionsMatchZeeksRfbLog(string file, int clientPort, string? method, string? auth, string? shared, string? desktop, string? width, string? height)
    {
        RepoPaths.SkipUnlessShared();
        var flows = RenderedRun.Of(Path.Combine(RepoPaths.SharedPcaps, "kvm", file)).FlowsOf("rfb");
        var flow = Assert.Single(flows, f => f.OrigPort() == clientPort);
        Assert.Equal(method, flow.Field("rfb.auth_method"));
        Assert.Equal(auth, flow.Field("rfb.auth_ok"));
        Assert.Equal(shared, flow.Field("rfb.shared"));
        Assert.Equal(desktop, flow.Field("rfb.desktop_name"));
        Assert.Equal(width, flow.Field("rfb.width"));
        Assert.Equal(height, flow.Field("rfb.height"));
    }

    [Fact]
    public void Rfb38WithoutAuthenticationInOneByteSegmentsIsFollowedToServerInit()
    {
        var server = Bytes("RFB 003.008\n", [1, 1], [0, 0, 0, 0], ServerInit("bmc-console", 800, 600));
        var client = Bytes("RFB 003.008\n", [1], [0]);
        var run = RenderedRun.Of(Session(5900, client, server, segment: 1));
        var flow = Assert.Single(run.FlowsOf("rfb"));
        Assert.Equal("3.8", flow.Field("rfb.version"));
        Assert.Equal("1", flow.Field("rfb.security_types"));
        Assert.Equal("None", flow.Field("rfb.auth_method"));
        Assert.Equal("true", flow.Field("rfb.auth_ok"));
        Assert.Equal("false", flow.Field("rfb.shared"));
        Assert.Equal("bmc-console", flow.Field("rfb.desktop_name"));
        Assert.Empty(run.AnomaliesOf("rfb"));
    }

    [Fact]
    public void Rfb37WithoutAuthenticationHasNoSecurityResult()
    {
        var server = Bytes("RFB 003.007\n", [2, 1, 2], ServerInit("x", 640, 480));
        var client = Bytes("RFB 003.007\n", [1], [1]);
        var flow = Assert.Single(RenderedRun.Of(Session(5901, client, server)).FlowsOf("rfb"));
        Assert.Equal("1,2", flow.Field("rfb.security_types"));
        Assert.Null(flow.Field("rfb.auth_ok"));
        Assert.Equal("true", flow.Field("rfb.shared"));
        Assert.Equal("640", flow.Field("rfb.width"));
    }

    [Fact]
    public void ServerRefusingWithAReasonRecordsIt()
    {
        var reason = "Too many security failures";
        var server = Bytes("RFB 003.008\n", [0], U32(reason.Length), Encoding.ASCII.GetBytes(reason));
        var client = Bytes("RFB 003.008\n");
        var flow = Assert.Single(RenderedRun.Of(Session(5900, client, server)).FlowsOf("rfb"));
        Assert.Equal(reason, flow.Field("rfb.failure_reason"));
        Assert.Null(flow.Field("rfb.security_type"));
    }

    [Fact]
    public void RfbOnAnUnusualPortIsFoundByContent()
    {
        var server = Bytes("RFB 003.008\n", [1, 2], new byte[16], [0, 0, 0, 1], U32(6), Encoding.ASCII.GetBytes("denied"));
        var client = Bytes("RFB 003.008\n", [2], new byte[16]);
        var flow = Assert.Single(RenderedRun.Of(Session(15900, client, server)).FlowsOf("rfb"));
        Assert.Equal("false", flow.Field("rfb.auth_ok"));
        Assert.Equal("denied", flow.Field("rfb.failure_reason"));
    }

    [Fact]
    public void ProprietaryConsoleOnTheVncPortIsAKvmSessionWithoutService()
    {
        var random = new Random(11);
        var a = new byte[500];
        var c = new byte[5000];
        random.NextBytes(a);
        random.NextBytes(c);
        var run = RenderedRun.Of(Session(5900, a, c));
        Assert.Empty(run.FlowsOf("rfb"));
        Assert.Empty(run.AnomaliesOf("rfb"));
        var flow = Assert.Single(run.FlowLines);
        Assert.Equal("console", flow.Field("kvm.kind"));
        Assert.Equal("unknown", flow.Field("kvm.protocol"));
    }

    [Fact]
    public void AcceptsIsStrict()
    {
        var analyzer = new RfbAnalyzer();
        bool Accepts(string text) => analyzer.Accepts(AnalyzerPackets.Tcp(Encoding.ASCII.GetBytes(text), false, 15900));
        Assert.True(Accepts("RFB 003.008\n"));
        Assert.True(Accepts("RFB 003.889\n"));
        Assert.False(Accepts("RFB 003.008"));
        Assert.False(Accepts("RFB 3.8\n\n\n\n\n"));
        Assert.False(Accepts("RFB 003.00x\n"));
        Assert.False(Accepts("SSH-2.0-x\r\n"));
    }

    internal static byte[] ServerInit(string name, int width, int height) =>
        [(byte)(width >> 8), (byte)width, (byte)(height >> 8), (byte)height, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
         .. U32(name.Length), .. Encoding.ASCII.GetBytes(name)];

    internal static byte[] U32(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    internal static byte[] Bytes(string version, params byte[][] parts) => [.. Encoding.ASCII.GetBytes(version), .. parts.SelectMany(p => p)];

    /// <summary>An RFB exchange in protocol order: server version, client version, then alternating as the handshake goes.</summary>
    private static PcapBuilder Session(ushort port, byte[] client, byte[] server, int segment = 1460)
    {
        var b = new PcapBuilder();
        var c = new TcpConversation(b, "10.0.0.1", 40000, "10.0.0.9", port).Handshake();
        var firstServer = Math.Min(12, server.Length);
        c.Server(server[..firstServer], segment).Client(client, segment).Server(server[firstServer..], segment).Close();
        return b;
    }
}

public class RfbAnalyzerPropertyTests
{
    private static readonly byte[] ServerSeed = RfbAnalyzerTests.Bytes("RFB 003.889\n", [2, 30, 2], [0, 2, 0, 4], new byte[8], [0, 0, 0, 0],
        RfbAnalyzerTests.ServerInit("desk", 1, 1));

    private static readonly byte[] ClientSeed = RfbAnalyzerTests.Bytes("RFB 003.889\n", [30], new byte[132], [1]);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void MutatedAndSegmentedHandshakesNeverThrow(int mutation, int position, byte value, byte[] noise, byte[] cuts, bool unknownPort, bool clientFirst)
    {
        noise ??= [];
        cuts ??= [];
        var client = StreamFuzz.Mutate(ClientSeed, mutation, position, value, noise);
        var server = StreamFuzz.Mutate(ServerSeed, mutation >> 3, position >> 3, value, noise);
        StreamFuzz.Run(client, server, unknownPort ? (ushort)15900 : (ushort)5900, cuts, serverFirst: !clientFirst);
    }
}
