using System.Buffers.Binary;
using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Writes pcapng blocks by hand (draft-ietf-opsawg-pcapng), including the rare ones, for reader tests.</summary>
public sealed class PcapNgWriter
{
    private readonly MemoryStream _out = new();
    private readonly bool _bigEndian;

    public PcapNgWriter(bool bigEndian = false) => _bigEndian = bigEndian;

    public byte[] ToArray() => _out.ToArray();

    public void SectionHeader()
    {
        var body = new byte[16];
        U32(body, 0, 0x1A2B3C4D);
        U16(body, 4, 1);
        U16(body, 6, 0);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), -1);
        if (_bigEndian)
        {
            BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(8), -1);
        }

        Block(0x0A0D0D0A, body);
    }

    /// <summary>An IDB; <paramref name="resolution"/> is if_tsresol's byte (n means 10^-n; 0x80|n means 2^-n).</summary>
    public void Interface(LinkType linkType, int resolution = 6, uint snapLength = 262144, long offsetSeconds = 0)
    {
        var options = new List<byte>();
        if (resolution != 6)
        {
            options.AddRange(Option(9, [(byte)resolution]));
        }

        if (offsetSeconds != 0)
        {
            var v = new byte[8];
            if (_bigEndian)
            {
                BinaryPrimitives.WriteInt64BigEndian(v, offsetSeconds);
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(v, offsetSeconds);
            }

            options.AddRange(Option(14, v));
        }

        options.AddRange(Option(0, []));
        var body = new byte[8 + options.Count];
        U16(body, 0, (ushort)linkType);
        U32(body, 4, snapLength);
        options.CopyTo(body, 8);
        Block(1, body);
    }

    /// <summary>An EPB whose timestamp is given in ns and stored in the interface's units.</summary>
    public void Enhanced(uint interfaceId, long timeNs, byte[] frame, int wireLength = -1, int resolution = 6)
    {
        var ticks = ToTicks(timeNs, resolution);
        var padded = (frame.Length + 3) & ~3;
        var body = new byte[20 + padded];
        U32(body, 0, interfaceId);
        U32(body, 4, (uint)(ticks >> 32));
        U32(body, 8, (uint)ticks);
        U32(body, 12, (uint)frame.Length);
        U32(body, 16, (uint)(wireLength < 0 ? frame.Length : wireLength));
        frame.CopyTo(body, 20);
        Block(6, body);
    }

    public void Simple(byte[] frame)
    {
        var padded = (frame.Length + 3) & ~3;
        var body = new byte[4 + padded];
        U32(body, 0, (uint)frame.Length);
        frame.CopyTo(body, 4);
        Block(3, body);
    }

    public void Obsolete(ushort interfaceId, long timeNs, byte[] frame)
    {
        var ticks = ToTicks(timeNs, 6);
        var padded = (frame.Length + 3) & ~3;
        var body = new byte[20 + padded];
        U16(body, 0, interfaceId);
        U16(body, 2, 0);
        U32(body, 4, (uint)(ticks >> 32));
        U32(body, 8, (uint)ticks);
        U32(body, 12, (uint)frame.Length);
        U32(body, 16, (uint)frame.Length);
        frame.CopyTo(body, 20);
        Block(2, body);
    }

    /// <summary>A block of a type the reader does not know (must be skipped).</summary>
    public void Unknown(uint type, int bodyLength)
    {
        Block(type, new byte[(bodyLength + 3) & ~3]);
    }

    /// <summary>Raw bytes (for corrupting files on purpose).</summary>
    public void Raw(byte[] bytes) => _out.Write(bytes);

    private static ulong ToTicks(long ns, int resolution)
    {
        if ((resolution & 0x80) != 0)
        {
            return (ulong)(((System.Numerics.BigInteger)ns << (resolution & 0x7F)) / 1_000_000_000);
        }

        var e = resolution;
        return e <= 9 ? (ulong)(ns / (long)Math.Pow(10, 9 - e)) : (ulong)ns * (ulong)Math.Pow(10, e - 9);
    }

    private byte[] Option(ushort code, byte[] value)
    {
        var padded = (value.Length + 3) & ~3;
        var o = new byte[4 + padded];
        U16(o, 0, code);
        U16(o, 2, (ushort)value.Length);
        value.CopyTo(o, 4);
        return o;
    }

    private void Block(uint type, byte[] body)
    {
        var total = (uint)(12 + body.Length);
        var head = new byte[8];
        U32(head, 0, type);
        U32(head, 4, total);
        _out.Write(head);
        _out.Write(body);
        var tail = new byte[4];
        U32(tail, 0, total);
        _out.Write(tail);
    }

    private void U16(byte[] b, int offset, ushort v)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(offset), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset), v);
        }
    }

    private void U32(byte[] b, int offset, uint v)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(offset), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), v);
        }
    }
}
