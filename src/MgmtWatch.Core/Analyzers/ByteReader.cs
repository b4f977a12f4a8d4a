using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// Reads big-endian fields from hostile bytes: every read checks the remaining length and fails (returns
/// false) rather than throwing, so a parser is a chain of <c>if (!r.TryX(out …)) return Invalid;</c>.
/// </summary>
internal ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _data;

    public ByteReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        Position = 0;
    }

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _data.Length - Position;

    /// <summary>The bytes not read yet.</summary>
    public readonly ReadOnlySpan<byte> Rest => _data[Position..];

    public bool TryU8(out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return false;
        }

        value = _data[Position++];
        return true;
    }

    public bool TryU16(out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(_data[Position..]);
        Position += 2;
        return true;
    }

    public bool TryU24(out int value)
    {
        if (Remaining < 3)
        {
            value = 0;
            return false;
        }

        value = (_data[Position] << 16) | (_data[Position + 1] << 8) | _data[Position + 2];
        Position += 3;
        return true;
    }

    public bool TryU32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(_data[Position..]);
        Position += 4;
        return true;
    }

    public bool TryBytes(int count, out ReadOnlySpan<byte> value)
    {
        if (count < 0 || Remaining < count)
        {
            value = default;
            return false;
        }

        value = _data.Slice(Position, count);
        Position += count;
        return true;
    }

    public bool TrySkip(int count) => TryBytes(count, out _);
}
