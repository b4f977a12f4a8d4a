namespace MgmtWatch.Core.Capture;

/// <summary>
/// Where packets come from: a capture file, several merged, or a live interface. A pull model with
/// no allocation per packet: <see cref="MoveNext"/> advances, <see cref="Current"/> and <see cref="Data"/>
/// describe the packet until the next call.
/// </summary>
public interface IPacketSource : IDisposable
{
    /// <summary>Advances to the next packet. False at the end of input or after an error (see <see cref="Errors"/>).</summary>
    bool MoveNext();

    /// <summary>Metadata of the current packet.</summary>
    ref readonly PacketInfo Current { get; }

    /// <summary>Captured bytes of the current packet; valid until the next <see cref="MoveNext"/>.</summary>
    ReadOnlySpan<byte> Data { get; }

    /// <summary>Every error met while reading (one per input at most), in the order found.</summary>
    IReadOnlyList<CaptureError> Errors { get; }

    /// <summary>Bytes of input consumed so far, for progress (compressed bytes for gzip files).</summary>
    long BytesConsumed { get; }

    /// <summary>Total bytes of input when known (file sizes), else 0.</summary>
    long BytesTotal { get; }

    /// <summary>Names of the inputs, indexed by <see cref="PacketInfo.SourceIndex"/>.</summary>
    IReadOnlyList<string> SourceNames { get; }
}
