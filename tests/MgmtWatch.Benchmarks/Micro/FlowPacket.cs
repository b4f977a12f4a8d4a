using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// The fields of a decoded packet that the flow table reads, kept in a plain struct so a benchmark can
/// hold thousands of them and time <c>FlowTable.Observe</c> without decoding again.
/// </summary>
internal readonly record struct FlowPacket(HostAddress Source, HostAddress Destination, ushort SourcePort, ushort DestinationPort,
    byte Protocol, byte IpVersion, byte TcpFlags, uint Sequence, uint Acknowledgment, ushort Window, int IpLength, int PayloadLength)
{
    /// <summary>Decodes a real frame and keeps its flow-table fields; null for a frame that is not IP with ports.</summary>
    public static FlowPacket? From(PacketDecoder decoder, CapturedFrame frame)
    {
        var p = default(DecodedPacket);
        decoder.Decode(frame.Info, frame.Data, ref p);
        if (p.Kind != PacketKind.Ip)
        {
            return null;
        }

        return new FlowPacket(p.Source, p.Destination, p.SourcePort, p.DestinationPort, p.Protocol, p.IpVersion, p.TcpFlags,
            p.Sequence, p.Acknowledgment, p.Window, p.IpLength, p.PayloadLength);
    }

    /// <summary>Fills <paramref name="p"/> as the decoder would have.</summary>
    public void Fill(ref DecodedPacket p)
    {
        p.Kind = PacketKind.Ip;
        p.Source = Source;
        p.Destination = Destination;
        p.SourcePort = SourcePort;
        p.DestinationPort = DestinationPort;
        p.Protocol = Protocol;
        p.IpVersion = IpVersion;
        p.TcpFlags = TcpFlags;
        p.Sequence = Sequence;
        p.Acknowledgment = Acknowledgment;
        p.Window = Window;
        p.IpLength = IpLength;
        p.PayloadLength = PayloadLength;
    }
}
