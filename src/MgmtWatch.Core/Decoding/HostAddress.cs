using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;

namespace MgmtWatch.Core.Decoding;

/// <summary>
/// An IPv4 or IPv6 address held as two 64-bit words, IPv4 mapped into <c>::ffff:a.b.c.d</c>
/// (RFC 4291 §2.5.5.2), so that a flow key compares and hashes with two integer operations
/// and never allocates, unlike <see cref="IPAddress"/>.
/// </summary>
public readonly struct HostAddress : IEquatable<HostAddress>, IComparable<HostAddress>
{
    private const ulong V4MappedHigh = 0UL;
    private const ulong V4MappedPrefix = 0x0000_FFFF_0000_0000UL;

    /// <summary>Bytes 0–7 of the address in network order, read as a big-endian integer.</summary>
    public ulong High { get; }

    /// <summary>Bytes 8–15 of the address in network order, read as a big-endian integer.</summary>
    public ulong Low { get; }

    /// <summary>Creates an address from its two big-endian halves.</summary>
    public HostAddress(ulong high, ulong low)
    {
        High = high;
        Low = low;
    }

    /// <summary>True when the address is an IPv4 address (held IPv4-mapped).</summary>
    public bool IsV4 => High == V4MappedHigh && (Low & 0xFFFF_FFFF_0000_0000UL) == V4MappedPrefix;

    /// <summary>The IPv4 address as a host-order integer; only meaningful when <see cref="IsV4"/>.</summary>
    public uint V4 => (uint)Low;

    /// <summary>An IPv4 address from its host-order integer value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HostAddress FromV4(uint address) => new(V4MappedHigh, V4MappedPrefix | address);

    /// <summary>An IPv4 address from four bytes in network order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HostAddress FromV4(ReadOnlySpan<byte> networkOrder) => FromV4(BinaryPrimitives.ReadUInt32BigEndian(networkOrder));

    /// <summary>An IPv6 address from sixteen bytes in network order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HostAddress FromV6(ReadOnlySpan<byte> networkOrder) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(networkOrder), BinaryPrimitives.ReadUInt64BigEndian(networkOrder[8..]));

    /// <summary>Converts from <see cref="IPAddress"/> (for configuration and tests, not the packet path).</summary>
    public static HostAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return FromV4(bytes);
        }

        address.TryWriteBytes(bytes, out _);
        return FromV6(bytes);
    }

    /// <summary>Parses a textual IPv4 or IPv6 address.</summary>
    public static bool TryParse(string? text, out HostAddress address)
    {
        if (IPAddress.TryParse(text, out var ip))
        {
            address = FromIPAddress(ip);
            return true;
        }

        address = default;
        return false;
    }

    /// <summary>Writes the address in network order: 4 bytes for IPv4, 16 for IPv6. Returns the count written.</summary>
    public int WriteNetworkBytes(Span<byte> destination)
    {
        if (IsV4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, V4);
            return 4;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
        return 16;
    }

    /// <summary>
    /// Formats the address as UTF-8 text (dotted quad, or RFC 5952 for IPv6). Returns the byte count.
    /// IPv4, the common case on a management network, is formatted without allocating.
    /// </summary>
    public int FormatUtf8(Span<byte> destination)
    {
        if (IsV4)
        {
            var v = V4;
            var n = 0;
            for (var shift = 24; shift >= 0; shift -= 8)
            {
                n += WriteByteDecimal((byte)(v >> shift), destination[n..]);
                if (shift != 0)
                {
                    destination[n++] = (byte)'.';
                }
            }

            return n;
        }

        return ToIPAddress().TryFormat(destination, out var written) ? written : 0;
    }

    private static int WriteByteDecimal(byte value, Span<byte> destination)
    {
        if (value >= 100)
        {
            destination[0] = (byte)('0' + (value / 100));
            destination[1] = (byte)('0' + (value / 10 % 10));
            destination[2] = (byte)('0' + (value % 10));
            return 3;
        }

        if (value >= 10)
        {
            destination[0] = (byte)('0' + (value / 10));
            destination[1] = (byte)('0' + (value % 10));
            return 2;
        }

        destination[0] = (byte)('0' + value);
        return 1;
    }

    /// <summary>Converts to <see cref="IPAddress"/> (allocates; for output and configuration).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        var n = WriteNetworkBytes(bytes);
        return new IPAddress(bytes[..n]);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<byte> utf8 = stackalloc byte[64];
        var n = FormatUtf8(utf8);
        return System.Text.Encoding.ASCII.GetString(utf8[..n]);
    }

    /// <inheritdoc/>
    public bool Equals(HostAddress other) => High == other.High && Low == other.Low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is HostAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(High, Low);

    /// <inheritdoc/>
    public int CompareTo(HostAddress other)
    {
        var c = High.CompareTo(other.High);
        return c != 0 ? c : Low.CompareTo(other.Low);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(HostAddress left, HostAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(HostAddress left, HostAddress right) => !left.Equals(right);

    /// <summary>Ordering, used to put flow keys in canonical order.</summary>
    public static bool operator <(HostAddress left, HostAddress right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(HostAddress left, HostAddress right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(HostAddress left, HostAddress right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(HostAddress left, HostAddress right) => left.CompareTo(right) >= 0;
}
