using System.Buffers.Binary;
using System.Globalization;

namespace MgmtWatch.Core.Capture;

/// <summary>
/// Classic libpcap format (pcap-savefile(5)): a 24-byte file header, then 16-byte record headers each
/// followed by the captured bytes. Microsecond and nanosecond variants, either byte order.
/// </summary>
public sealed class PcapFileReader : CaptureFileReader
{
    private const uint MagicMicro = 0xA1B2C3D4;
    private const uint MagicNano = 0xA1B23C4D;
    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    private bool _bigEndian;
    private bool _nanoseconds;
    private LinkType _linkType;

    internal PcapFileReader(string name, int sourceIndex, FileStream file, bool decompress, bool readAhead)
        : base(name, sourceIndex, file, decompress, readAhead)
    {
    }

    /// <inheritdoc/>
    public override string FormatName => _nanoseconds ? "pcap (ns)" : "pcap";

    /// <summary>The file's link type.</summary>
    public LinkType LinkType => _linkType;

    internal static bool IsMagic(ReadOnlySpan<byte> first4)
    {
        var le = BinaryPrimitives.ReadUInt32LittleEndian(first4);
        var be = BinaryPrimitives.ReadUInt32BigEndian(first4);
        return le is MagicMicro or MagicNano || be is MagicMicro or MagicNano;
    }

    private protected override bool ReadHeader()
    {
        if (Ensure(FileHeaderLength) < FileHeaderLength)
        {
            return Fail(0, "the pcap file header is cut short (24 bytes needed)");
        }

        var h = Available;
        var magicLe = BinaryPrimitives.ReadUInt32LittleEndian(h);
        _bigEndian = magicLe is not (MagicMicro or MagicNano);
        var magic = _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(h) : magicLe;
        _nanoseconds = magic == MagicNano;
        var major = ReadU16(h[4..]);
        if (major != 2)
        {
            return Fail(4, string.Create(CultureInfo.InvariantCulture, $"unsupported pcap version {major} (only 2.x exists)"));
        }

        // Upper bits carry the FCS length (pcap-savefile(5) "LinkType and additional information").
        _linkType = (LinkType)(int)(ReadU32(h[20..]) & 0x03FF_FFFF);
        Info.LinkType = _linkType;
        Advance(FileHeaderLength);
        return true;
    }

    /// <inheritdoc/>
    protected override bool ReadNext()
    {
        if (Ensure(RecordHeaderLength) < RecordHeaderLength)
        {
            return EndOrTruncated("a record header");
        }

        var h = Available;
        var seconds = ReadU32(h);
        var fraction = ReadU32(h[4..]);
        var captured = ReadU32(h[8..]);
        var wire = ReadU32(h[12..]);
        if (captured > MaxPacketLength)
        {
            return Fail(Position, string.Create(CultureInfo.InvariantCulture,
                $"a record claims {captured} captured bytes, more than the {MaxPacketLength}-byte maximum (corrupt file?)"));
        }

        var length = (int)captured;
        if (Ensure(RecordHeaderLength + length) < RecordHeaderLength + length)
        {
            return EndOrTruncated("a packet");
        }

        Info.Timestamp = (seconds * 1_000_000_000L) + (_nanoseconds ? fraction : fraction * 1000L);
        Info.WireLength = wire > captured ? (int)Math.Min(wire, int.MaxValue) : length;
        SetData(RecordHeaderLength, length);
        Advance(RecordHeaderLength + length);
        return true;
    }

    private ushort ReadU16(ReadOnlySpan<byte> s) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);

    private uint ReadU32(ReadOnlySpan<byte> s) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
}
