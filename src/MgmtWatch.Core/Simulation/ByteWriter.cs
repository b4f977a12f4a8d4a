using System.Buffers.Binary;
using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>A growable big-endian byte builder with length prefixes filled in afterwards (TLS, SSH, DNS, DHCP, RFB).</summary>
internal sealed class ByteWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ByteWriter U8(int v)
    {
        Ensure(1);
        _buffer[Length++] = (byte)v;
        return this;
    }

    public ByteWriter U16(int v)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(Length), (ushort)v);
        Length += 2;
        return this;
    }

    public ByteWriter U24(int v)
    {
        Ensure(3);
        _buffer[Length] = (byte)(v >> 16);
        _buffer[Length + 1] = (byte)(v >> 8);
        _buffer[Length + 2] = (byte)v;
        Length += 3;
        return this;
    }

    public ByteWriter U32(uint v)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(Length), v);
        Length += 4;
        return this;
    }

    public ByteWriter Bytes(ReadOnlySpan<byte> b)
    {
        Ensure(b.Length);
        b.CopyTo(_buffer.AsSpan(Length));
        Length += b.Length;
        return this;
    }

    public ByteWriter Ascii(string s)
    {
        Ensure(s.Length);
        Encoding.ASCII.GetBytes(s, _buffer.AsSpan(Length));
        Length += s.Length;
        return this;
    }

    public ByteWriter Random(Random r, int n)
    {
        Ensure(n);
        r.NextBytes(_buffer.AsSpan(Length, n));
        Length += n;
        return this;
    }

    public ByteWriter Zeros(int n)
    {
        Ensure(n);
        _buffer.AsSpan(Length, n).Clear();
        Length += n;
        return this;
    }

    /// <summary>Reserves a length field of <paramref name="size"/> bytes; <see cref="EndLength"/> fills it.</summary>
    public int BeginLength(int size)
    {
        var at = Length;
        Zeros(size);
        return (at << 2) | size;
    }

    public ByteWriter EndLength(int mark)
    {
        var at = mark >> 2;
        var size = mark & 3;
        var n = Length - at - size;
        switch (size)
        {
            case 1:
                _buffer[at] = (byte)n;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(at), (ushort)n);
                break;
            default:
                _buffer[at] = (byte)(n >> 16);
                _buffer[at + 1] = (byte)(n >> 8);
                _buffer[at + 2] = (byte)n;
                break;
        }

        return this;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    private void Ensure(int n)
    {
        if (Length + n > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
        }
    }
}
