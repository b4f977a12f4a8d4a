namespace MgmtWatch.Core.Capture;

/// <summary>
/// What a packet source knows about one packet besides its bytes. A mutable struct that the
/// source overwrites on every <see cref="IPacketSource.MoveNext"/>: the per-packet path copies nothing.
/// </summary>
public struct PacketInfo
{
    /// <summary>Capture time, nanoseconds since the Unix epoch (UTC).</summary>
    public long Timestamp { get; set; }

    /// <summary>Bytes captured (the length of <see cref="IPacketSource.Data"/>).</summary>
    public int CaptureLength { get; set; }

    /// <summary>Length of the packet on the wire, which exceeds the capture length when a snap length cut it.</summary>
    public int WireLength { get; set; }

    /// <summary>Link type of the interface the packet came from.</summary>
    public LinkType LinkType { get; set; }

    /// <summary>Index of the input (file) in the run, for <c>pcap_filename</c>.</summary>
    public int SourceIndex { get; set; }
}
