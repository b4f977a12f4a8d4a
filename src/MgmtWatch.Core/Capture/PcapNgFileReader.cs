using System.Buffers.Binary;
using System.Globalization;

namespace MgmtWatch.Core.Capture;

/// <summary>
/// pcapng (draft-ietf-opsawg-pcapng): sections (SHB) with their own byte order, interfaces (IDB) with
/// their own link type, snap length and timestamp resolution, and packets in Enhanced (EPB), Simple (SPB)
/// and obsolete (OPB) blocks. Every other block type is skipped without being buffered.
/// </summary>
public sealed class PcapNgFileReader : CaptureFileReader
{
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint InterfaceDescriptionBlock = 0x00000001;
    private const uint ObsoletePacketBlock = 0x00000002;
    private const uint SimplePacketBlock = 0x00000003;
    private const uint EnhancedPacketBlock = 0x00000006;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const ushort OptionTimestampResolution = 9;
    private const ushort OptionTimestampOffset = 14;

    /// <summary>
    /// Largest block buffered whole: a maximum-size packet plus generous room for options. Larger packet
    /// blocks are corrupt; larger non-packet blocks are skipped by streaming past them.
    /// </summary>
    private const int MaxBufferedBlock = MaxPacketLength + 65_536;

    /// <summary>
    /// Interfaces one section may define. Real captures have a handful (tshark on every interface of a
    /// large router: dozens); the cap keeps a hostile file from growing the table without bound.
    /// </summary>
    private const int MaxInterfaces = 4096;

    private readonly List<Interface> _interfaces = [];
    private bool _bigEndian;
    private long _lastTimestamp;

    internal PcapNgFileReader(string name, int sourceIndex, FileStream file, bool decompress, bool readAhead)
        : base(name, sourceIndex, file, decompress, readAhead)
    {
    }

    /// <inheritdoc/>
    public override string FormatName => "pcapng";

    /// <summary>Link types of the interfaces of the current section.</summary>
    public IEnumerable<LinkType> InterfaceLinkTypes => _interfaces.Select(i => i.LinkType);

    internal static bool IsMagic(ReadOnlySpan<byte> first4) => BinaryPrimitives.ReadUInt32LittleEndian(first4) == SectionHeaderBlock;

    private protected override bool ReadHeader()
    {
        // The first block must be a section header; ReadNext parses it like any later one.
        if (Ensure(12) < 12)
        {
            return Fail(0, "the pcapng section header is cut short");
        }

        var magic = Available.Slice(8, 4);
        if (BinaryPrimitives.ReadUInt32LittleEndian(magic) != ByteOrderMagic && BinaryPrimitives.ReadUInt32BigEndian(magic) != ByteOrderMagic)
        {
            return Fail(8, "not a pcapng file: bad byte-order magic in the section header");
        }

        return true;
    }

    /// <inheritdoc/>
    protected override bool ReadNext()
    {
        while (true)
        {
            var blockOffset = Position;
            if (Ensure(8) < 8)
            {
                return EndOrTruncated("a block header");
            }

            var type = ReadU32(Available);
            if (type == SectionHeaderBlock)
            {
                // The byte-order magic after the length decides how this section (and its length) reads.
                if (Ensure(12) < 12)
                {
                    return EndOrTruncated("a section header");
                }

                var bom = Available.Slice(8, 4);
                if (BinaryPrimitives.ReadUInt32LittleEndian(bom) == ByteOrderMagic)
                {
                    _bigEndian = false;
                }
                else if (BinaryPrimitives.ReadUInt32BigEndian(bom) == ByteOrderMagic)
                {
                    _bigEndian = true;
                }
                else
                {
                    return Fail(blockOffset + 8, "bad byte-order magic in a section header block");
                }
            }

            var head = Available;
            var total = ReadU32(head[4..]);
            if (total < 12 || total % 4 != 0)
            {
                return Fail(blockOffset + 4, string.Create(CultureInfo.InvariantCulture,
                    $"block length {total} is invalid (at least 12 and a multiple of 4)"));
            }

            var isPacket = type is EnhancedPacketBlock or SimplePacketBlock or ObsoletePacketBlock;
            if (total > MaxBufferedBlock)
            {
                if (isPacket || type is SectionHeaderBlock or InterfaceDescriptionBlock)
                {
                    return Fail(blockOffset + 4, string.Create(CultureInfo.InvariantCulture,
                        $"a block claims {total} bytes, more than the {MaxBufferedBlock}-byte maximum for its type (corrupt file?)"));
                }

                if (!Skip(total))
                {
                    return EndOrTruncated("a block");
                }

                continue;
            }

            var length = (int)total;
            if (Ensure(length) < length)
            {
                return EndOrTruncated("a block");
            }

            var block = Available[..length];
            if (ReadU32(block[(length - 4)..]) != total)
            {
                return Fail(blockOffset + length - 4, "the trailing block length does not match the leading one");
            }

            var body = block[8..(length - 4)];
            switch (type)
            {
                case SectionHeaderBlock:
                    if (body.Length < 16)
                    {
                        return Fail(blockOffset, "section header block too short");
                    }

                    _interfaces.Clear();
                    break;

                case InterfaceDescriptionBlock:
                    if (!ReadInterface(body, blockOffset))
                    {
                        return false;
                    }

                    break;

                case EnhancedPacketBlock:
                case ObsoletePacketBlock:
                    if (!ReadTimestampedPacket(type, body, blockOffset))
                    {
                        return false;
                    }

                    Advance(length);
                    return true;

                case SimplePacketBlock:
                    if (!ReadSimplePacket(body, blockOffset))
                    {
                        return false;
                    }

                    Advance(length);
                    return true;

                default:
                    break;
            }

            Advance(length);
        }
    }

    private bool ReadInterface(ReadOnlySpan<byte> body, long blockOffset)
    {
        if (body.Length < 8)
        {
            return Fail(blockOffset, "interface description block too short");
        }

        if (_interfaces.Count >= MaxInterfaces)
        {
            return Fail(blockOffset, string.Create(CultureInfo.InvariantCulture, $"more than {MaxInterfaces} interfaces in one section"));
        }

        var iface = new Interface
        {
            LinkType = (LinkType)ReadU16(body),
            SnapLength = ReadU32(body[4..]),
            Exponent = 6, // if_tsresol default: microseconds
        };

        var options = body[8..];
        while (options.Length >= 4)
        {
            var code = ReadU16(options);
            var len = ReadU16(options[2..]);
            var padded = 4 + ((len + 3) & ~3);
            if (code == 0 || padded > options.Length)
            {
                break;
            }

            var value = options.Slice(4, len);
            if (code == OptionTimestampResolution && len >= 1)
            {
                var r = value[0];
                var exponent = r & 0x7F;
                if ((r & 0x80) != 0)
                {
                    // Base-2 resolutions beyond 2^-63 cannot be represented; keep microseconds.
                    if (exponent <= 63)
                    {
                        iface.PowerOfTwo = true;
                        iface.Exponent = exponent;
                    }
                }
                else if (exponent <= 18)
                {
                    iface.Exponent = exponent;
                }
            }
            else if (code == OptionTimestampOffset && len >= 8)
            {
                iface.OffsetSeconds = _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
            }

            options = options[padded..];
        }

        _interfaces.Add(iface);
        return true;
    }

    private bool ReadTimestampedPacket(uint type, ReadOnlySpan<byte> body, long blockOffset)
    {
        if (body.Length < 20)
        {
            return Fail(blockOffset, "packet block too short");
        }

        int interfaceId;
        if (type == EnhancedPacketBlock)
        {
            interfaceId = (int)Math.Min(ReadU32(body), int.MaxValue);
        }
        else
        {
            interfaceId = ReadU16(body);
        }

        if (interfaceId >= _interfaces.Count)
        {
            return Fail(blockOffset + 8, string.Create(CultureInfo.InvariantCulture,
                $"a packet names interface {interfaceId}, but the section defines {_interfaces.Count}"));
        }

        var high = ReadU32(body[4..]);
        var low = ReadU32(body[8..]);
        var captured = ReadU32(body[12..]);
        var wire = ReadU32(body[16..]);
        if (captured > (uint)(body.Length - 20) || captured > MaxPacketLength)
        {
            return Fail(blockOffset + 20, string.Create(CultureInfo.InvariantCulture,
                $"a packet claims {captured} captured bytes, more than its block holds"));
        }

        var iface = _interfaces[interfaceId];
        Info.Timestamp = iface.ToNanoseconds(((ulong)high << 32) | low);
        _lastTimestamp = Info.Timestamp;
        Info.LinkType = iface.LinkType;
        Info.WireLength = wire > captured ? (int)Math.Min(wire, int.MaxValue) : (int)captured;
        SetData(8 + 20, (int)captured);
        return true;
    }

    private bool ReadSimplePacket(ReadOnlySpan<byte> body, long blockOffset)
    {
        if (_interfaces.Count == 0)
        {
            return Fail(blockOffset, "a simple packet block comes before any interface description");
        }

        if (body.Length < 4)
        {
            return Fail(blockOffset, "simple packet block too short");
        }

        var iface = _interfaces[0];
        var wire = ReadU32(body);
        var captured = Math.Min(wire, (uint)(body.Length - 4));
        if (iface.SnapLength != 0)
        {
            captured = Math.Min(captured, iface.SnapLength);
        }

        captured = Math.Min(captured, MaxPacketLength);

        // An SPB has no timestamp (pcapng §4.4); reusing the previous one keeps packet time monotonic
        // for flow timeouts instead of jumping back to 1970.
        Info.Timestamp = _lastTimestamp;
        Info.LinkType = iface.LinkType;
        Info.WireLength = (int)Math.Min(Math.Max(wire, captured), int.MaxValue);
        SetData(8 + 4, (int)captured);
        return true;
    }

    private ushort ReadU16(ReadOnlySpan<byte> s) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);

    private uint ReadU32(ReadOnlySpan<byte> s) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    private struct Interface
    {
        public LinkType LinkType;
        public uint SnapLength;
        public bool PowerOfTwo;
        public int Exponent;
        public long OffsetSeconds;

        public readonly long ToNanoseconds(ulong ticks)
        {
            long ns;
            if (PowerOfTwo)
            {
                ns = (long)(((UInt128)ticks * 1_000_000_000UL) >> Exponent);
            }
            else if (Exponent <= 9)
            {
                ns = unchecked((long)ticks * Pow10(9 - Exponent));
            }
            else
            {
                ns = (long)(ticks / (ulong)Pow10(Exponent - 9));
            }

            return unchecked(ns + (OffsetSeconds * 1_000_000_000L));
        }

        private static long Pow10(int e)
        {
            long v = 1;
            for (var i = 0; i < e; i++)
            {
                v *= 10;
            }

            return v;
        }
    }
}
