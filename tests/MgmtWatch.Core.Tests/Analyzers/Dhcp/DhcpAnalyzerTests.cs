using System.Text;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Analyzers.Dhcp;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Analyzers.Dhcp;

public class DhcpAnalyzerTests
{
    private static string Public(string file) => Path.Combine(RepoPaths.SharedPcaps, "dhcp", file);

    /// <summary>A DHCP message: BOOTP fixed part, cookie, then the given option bytes.</summary>
    internal static byte[] Message(byte op, byte[] options, byte[]? sname = null)
    {
        var m = new byte[240 + options.Length];
        m[0] = op;
        m[1] = 1; // Ethernet
        m[2] = 6;
        m[4] = 0x12; // xid
        byte[] mac = [0x00, 0x25, 0x90, 0xAA, 0xBB, 0xCC]; // Supermicro OUI
        mac.CopyTo(m, 28);
        sname?.CopyTo(m, 44);
        m[16] = 10; // yiaddr 10.9.0.77
        m[17] = 9;
        m[19] = 77;
        m[236] = 99;
        m[237] = 130;
        m[238] = 83;
        m[239] = 99;
        options.CopyTo(m, 240);
        return m;
    }

    private static byte[] Option(byte code, byte[] value) => [code, (byte)value.Length, .. value];

    [SkippableFact]
    public void ZeekDhcpExchangeGivesTypesHostNameVendorClassAndLease()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Public("zeek-dhcp.pcap"));
        Assert.All(events.Flows, f => Assert.Equal("dhcp", f.Service));
        Assert.Empty(events.Anomalies);

        // tshark: the client's broadcasts are DISCOVER, REQUEST ×2, DECLINE, RELEASE, INFORM; the server's OFFER, ACK, NAK.
        var client = Assert.Single(events.Flows, f => f.RespPort == 67);
        Assert.Equal("DISCOVER,REQUEST,DECLINE,RELEASE,INFORM", client.Field("dhcp.msg_types"));
        Assert.Equal("btest.is.cool", client.Field("dhcp.hostname"));
        Assert.Equal("90:b1:1c:99:49:29", client.Field("dhcp.client_mac"));
        var ack = Assert.Single(events.Flows, f => f.Field("dhcp.msg_types") == "ACK");
        Assert.Equal("ArubaAP", ack.Field("dhcp.vendor_class"));
        Assert.Equal("900", ack.Field("dhcp.lease_time"));
        Assert.Equal("128.2.6.189", ack.Field("dhcp.assigned_addr"));
    }

    [SkippableFact]
    public void InformAndItsAckShareAFlow()
    {
        RepoPaths.SkipUnlessShared();
        var flow = Assert.Single(Analyze.File(Public("zeek-dhcp_inform.pcap")).Events.Flows);
        Assert.Equal("INFORM,ACK", flow.Field("dhcp.msg_types"));
    }

    [SkippableFact]
    public void FuzzedMessageTypeIsAnAnomaly()
    {
        RepoPaths.SkipUnlessShared();
        var (events, _) = Analyze.File(Path.Combine(RepoPaths.SharedPcaps, "malformed", "ndpi-dhcp-fuzz.pcapng"));
        Assert.Equal(["DHCP_BAD_MESSAGE_TYPE"], events.Anomalies.Select(a => a.Event)); // tshark: option 53 = 106
        Assert.Equal("dhcp", Assert.Single(events.Flows).Service);
    }

    [Fact]
    public void BmcVendorClassAndHostNameAreEscapedAndCapped()
    {
        byte[] options =
        [
            .. Option(53, [1]),
            .. Option(12, [.. "bmc-\u0007\\x"u8, 0]),
            .. Option(60, Encoding.ASCII.GetBytes(new string('v', 200))),
            255,
        ];
        var flow = Assert.Single(Analyze.Capture(new PcapBuilder().Add(0, Frames.Udp("0.0.0.0", 68, "255.255.255.255", 67, Message(1, options)))).Events.Flows);
        Assert.Equal("bmc-\\x07\\x5cx", flow.Field("dhcp.hostname"));
        Assert.Equal(new string('v', DhcpAnalyzer.MaxTextChars) + WireText.TruncationMark, flow.Field("dhcp.vendor_class"));
        Assert.Equal("00:25:90:aa:bb:cc", flow.Field("dhcp.client_mac"));
    }

    [Fact]
    public void OverloadedSnameCarriesOptionsAndBrokenOptionsAreAnomalies()
    {
        byte[] sname = [.. Option(12, "ilo-7"u8.ToArray()), 255];
        var b = new PcapBuilder()
            .Add(0, Frames.Udp("0.0.0.0", 68, "255.255.255.255", 67, Message(1, [.. Option(53, [3]), .. Option(52, [2]), 255], sname)))
            .Add(1, Frames.Udp("0.0.0.0", 68, "255.255.255.255", 67, Message(1, [53, 1, 3, 12, 40, 1, 2])))
            .Add(2, Frames.Udp("0.0.0.0", 68, "255.255.255.255", 67, Message(1, [.. Option(53, [3]), .. Option(50, [10, 9, 0]), 255])));
        var (events, _) = Analyze.Capture(b);
        Assert.Equal("ilo-7", events.Flows[0].Field("dhcp.hostname"));
        Assert.Equal(["DHCP_OPTION_TRUNCATED", "DHCP_BAD_OPTION_LENGTH"], events.Anomalies.Select(a => a.Event));
    }

    [Fact]
    public void DhcpOnAnotherPortIsFoundByContent()
    {
        var b = new PcapBuilder()
            .Add(0, Frames.Udp("10.0.0.1", 40067, "10.0.0.2", 40068, Message(1, [.. Option(53, [8]), 255])))
            .Add(1, Frames.Udp("10.0.0.1", 40069, "10.0.0.2", 40070, new byte[300]));
        var flows = Analyze.Capture(b).Events.Flows;
        Assert.Equal("dhcp", flows.Single(f => f.RespPort == 40068).Service);
        Assert.Null(flows.Single(f => f.RespPort == 40070).Service);
    }

    [Fact]
    public void FlowLogNamesTheService()
    {
        var b = new PcapBuilder().Add(0, Frames.Udp("0.0.0.0", 68, "255.255.255.255", 67, Message(1, [.. Option(53, [1]), 255])));
        Assert.Contains("\"service\":\"dhcp\"", FlowLogText.Of(b.WriteTemp()).FlowLog, StringComparison.Ordinal);
    }

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public bool RandomAndMutatedPayloadsNeverThrow(byte[][] payloads, byte flip, byte position)
    {
        var b = new PcapBuilder();
        var t = 0.0;
        foreach (var p in payloads.Take(10))
        {
            b.Add(t += 0.1, Frames.Udp("0.0.0.0", 68, "255.255.255.255", 67, p.Take(1400).ToArray()));
            var m = Message(1, [.. Option(53, [1]), .. Option(12, [.. p.Take(40)]), .. p.Take(30), 255]);
            m[240 + (position % (m.Length - 240))] ^= flip;
            b.Add(t += 0.1, Frames.Udp("0.0.0.0", 68, "255.255.255.255", 67, m[..Math.Max(0, m.Length - (p.Length % 50))]));
        }

        Analyze.Capture(b);
        return true;
    }
}
