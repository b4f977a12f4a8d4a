using System.Buffers.Binary;

namespace MgmtWatch.Core.Capture;

/// <summary>
/// Writes classic pcap files (pcap-savefile(5)), microsecond or nanosecond, in little-endian order: what
/// the simulator produces and what tcpdump, tshark and tcpreplay read.
/// </summary>
public sealed class PcapFileWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly bool _nanoseconds;
    private readonly byte[] _header = new byte[16];

    /// <summary>Creates <paramref name="path"/> and writes the file header.</summary>
    public PcapFileWriter(string path, LinkType linkType, bool nanoseconds = false, int snapLength = CaptureFileReader.MaxPacketLength)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), linkType, nanoseconds, snapLength, ownsStream: true)
    {
    }

    /// <summary>Writes to <paramref name="stream"/>, starting with the file header.</summary>
    public PcapFileWriter(Stream stream, LinkType linkType, bool nanoseconds = false, int snapLength = CaptureFileReader.MaxPacketLength, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
        _nanoseconds = nanoseconds;
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, nanoseconds ? 0xA1B23C4Du : 0xA1B2C3D4u);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)linkType);
        _stream.Write(h);
    }

    /// <summary>Packets written.</summary>
    public long Packets { get; private set; }

    /// <summary>Writes one packet captured at <paramref name="timestamp"/> (ns since the epoch).</summary>
    public void Write(long timestamp, ReadOnlySpan<byte> frame, int wireLength = -1)
    {
        var seconds = Math.DivRem(timestamp, 1_000_000_000L, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000L;
        }

        var h = _header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(_nanoseconds ? fraction : fraction / 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)(wireLength < 0 ? frame.Length : wireLength));
        _stream.Write(h);
        _stream.Write(frame);
        Packets++;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
