using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// What an analyzer sees of one packet of a flow it owns: the flow's endpoints in originator order, the
/// direction, and the captured transport payload. A ref struct: nothing is copied or allocated.
/// </summary>
public readonly ref struct AnalyzerPacket
{
    internal AnalyzerPacket(long timestamp, long packetNumber, int flow, bool fromOriginator,
        HostAddress originator, ushort originatorPort, HostAddress responder, ushort responderPort, byte protocol, byte ipVersion,
        byte tcpFlags, uint sequence, int payloadLength, ReadOnlySpan<byte> payload)
    {
        Timestamp = timestamp;
        PacketNumber = packetNumber;
        Flow = flow;
        FromOriginator = fromOriginator;
        Originator = originator;
        OriginatorPort = originatorPort;
        Responder = responder;
        ResponderPort = responderPort;
        Protocol = protocol;
        IpVersion = ipVersion;
        TcpFlags = tcpFlags;
        Sequence = sequence;
        PayloadLength = payloadLength;
        Payload = payload;
    }

    /// <summary>Packet time (ns since the epoch).</summary>
    public long Timestamp { get; }

    /// <summary>Packet number in the run (pcap_cnt).</summary>
    public long PacketNumber { get; }

    /// <summary>The flow's index in the flow table: a handle for per-flow state, valid until the flow ends.</summary>
    public int Flow { get; }

    /// <summary>True when the originator sent this packet.</summary>
    public bool FromOriginator { get; }

    /// <summary>The flow's originator (client).</summary>
    public HostAddress Originator { get; }

    /// <summary>Originator port.</summary>
    public ushort OriginatorPort { get; }

    /// <summary>The flow's responder (server).</summary>
    public HostAddress Responder { get; }

    /// <summary>Responder port.</summary>
    public ushort ResponderPort { get; }

    /// <summary>IP protocol.</summary>
    public byte Protocol { get; }

    /// <summary>4 or 6.</summary>
    public byte IpVersion { get; }

    /// <summary>TCP flags (0 for UDP).</summary>
    public byte TcpFlags { get; }

    /// <summary>TCP sequence number of the first payload byte.</summary>
    public uint Sequence { get; }

    /// <summary>Payload length on the wire (may exceed <see cref="Payload"/> when the capture cut the packet).</summary>
    public int PayloadLength { get; }

    /// <summary>The captured payload.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Sender of this packet.</summary>
    public HostAddress Source => FromOriginator ? Originator : Responder;

    /// <summary>Receiver of this packet.</summary>
    public HostAddress Destination => FromOriginator ? Responder : Originator;

    /// <summary>Sender's port.</summary>
    public ushort SourcePort => FromOriginator ? OriginatorPort : ResponderPort;

    /// <summary>Receiver's port.</summary>
    public ushort DestinationPort => FromOriginator ? ResponderPort : OriginatorPort;

    /// <summary>True when the capture cut the payload short (snap length).</summary>
    public bool Truncated => Payload.Length < PayloadLength;
}
