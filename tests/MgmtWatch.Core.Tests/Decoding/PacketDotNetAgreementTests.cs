using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Tests.Support;
using PacketDotNet;

namespace MgmtWatch.Core.Tests.Decoding;

/// <summary>
/// PacketDotNet is the reference decoder: for every packet of every capture we have, where PacketDotNet
/// finds an IP header (and a TCP or UDP header), the span decoder must report the same addresses,
/// protocol and ports.
/// </summary>
public class PacketDotNetAgreementTests
{
    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoPaths.RepoCaptures())
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        }

        foreach (var f in RepoPaths.SharedCaptures(includeMalformed: true))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, f));
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void SpanDecoderAgreesWithPacketDotNet(string relativePath)
    {
        var path = Path.Combine(RepoPaths.Root, relativePath);
        Skip.IfNot(File.Exists(path), $"{path} is not here");
        var decoder = new PacketDecoder();
        using var reader = CaptureFileReader.Open(path, 0, out var openError);
        Skip.If(reader is null, $"{relativePath} is not a readable capture: {openError}");
        var compared = 0;
        var number = 0;
        while (reader!.MoveNext())
        {
            number++;
            var info = reader.Current;
            var bytes = reader.Data.ToArray();
            var tunnelsBefore = decoder.Counters.Tunneled;
            var mine = default(DecodedPacket);
            decoder.Decode(info, bytes, ref mine);
            if (decoder.Counters.Tunneled != tunnelsBefore || mine.Reassembled || mine.Kind == PacketKind.FragmentHeld)
            {
                continue; // PacketDotNet neither decapsulates nor reassembles
            }

            var reference = Reference(info.LinkType, bytes);
            if (reference is null)
            {
                continue;
            }

            var (ip, transport) = reference.Value;
            var where = $"{relativePath} packet {number}";
            Assert.True(mine.IpVersion != 0, $"{where}: PacketDotNet found {ip.SourceAddress} -> {ip.DestinationAddress}, the decoder found no IP header ({mine.Event})");
            Assert.Equal(ip.SourceAddress.ToString(), mine.Source.ToString());
            Assert.Equal(ip.DestinationAddress.ToString(), mine.Destination.ToString());
            if (transport is not null && mine.Kind == PacketKind.Ip)
            {
                Assert.True((byte)ip.Protocol == mine.Protocol, $"{where}: protocol {ip.Protocol} vs {mine.Protocol}");
                Assert.True(transport.SourcePort == mine.SourcePort, $"{where}: source port {transport.SourcePort} vs {mine.SourcePort}");
                Assert.True(transport.DestinationPort == mine.DestinationPort, $"{where}: destination port {transport.DestinationPort} vs {mine.DestinationPort}");
            }

            compared++;
        }

        Assert.True(compared > 0 || number == 0 || relativePath.Contains("malformed", StringComparison.Ordinal), $"{relativePath}: no packet compared");
    }

    /// <summary>PacketDotNet's view: the first IP header with a sane header, and its TCP/UDP header if whole.</summary>
    private static (IPPacket Ip, TransportPacket? Transport)? Reference(LinkType link, byte[] bytes)
    {
        LinkLayers? reference = link switch
        {
            LinkType.Ethernet => LinkLayers.Ethernet,
            LinkType.Raw or LinkType.Ipv4 or LinkType.Ipv6 => LinkLayers.RawLegacy,
            LinkType.LinuxSll => LinkLayers.LinuxSll,
            LinkType.Null => LinkLayers.Null,
            LinkType.Loop => LinkLayers.Loop,
            _ => null,
        };
        if (reference is not { } layer)
        {
            return null;
        }

        Packet packet;
        try
        {
            packet = Packet.ParsePacket(layer, bytes);
        }
        catch (Exception)
        {
            return null; // PacketDotNet cannot read it; the decoder must merely not crash, which reaching here shows
        }

        IPPacket? ip;
        TransportPacket? transport;
        try
        {
            ip = packet.Extract<IPPacket>();
            if (ip is null || (ip is IPv4Packet v4 && (v4.HeaderLength < 5 || v4.Version != IPVersion.IPv4)) || (ip is IPv6Packet v6 && v6.Version != IPVersion.IPv6))
            {
                return null;
            }

            if (ip is IPv4Packet frag && (frag.FragmentOffset != 0 || (frag.FragmentFlags & 0x1) != 0))
            {
                return (ip, null);
            }

            transport = packet.Extract<TcpPacket>() as TransportPacket ?? packet.Extract<UdpPacket>();
            if (transport is TcpPacket tcp && (tcp.DataOffset < 5 || tcp.DataOffset * 4 > tcp.TotalPacketLength))
            {
                transport = null;
            }
        }
        catch (Exception)
        {
            return null;
        }

        return (ip, transport);
    }
}
