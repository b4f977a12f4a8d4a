using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers.Dhcp;

/// <summary>
/// Reads a BOOTP/DHCP message (RFC 951, RFC 2131 §2–§4, options RFC 2132): the fixed part, the magic
/// cookie, and a bounded walk of the options, including the sname and file fields when option 52
/// overloads them. Returns the first violation's anomaly name, or null; never throws or allocates.
/// </summary>
internal static class DhcpParser
{
    /// <summary>RFC 2131 §2: op … file, before the options field.</summary>
    public const int FixedLength = 236;

    /// <summary>RFC 2131 §3: the options field starts with the magic cookie 99.130.83.99.</summary>
    public const uint MagicCookie = 0x63825363;

    /// <summary>RFC 2131 §2: chaddr (16 octets) at 28, sname (64) at 44, file (128) at 108.</summary>
    private const int ChaddrOffset = 28;

    private const int SnameOffset = 44;

    private const int SnameLength = 64;

    private const int FileOffset = 108;

    private const int FileLength = 128;

    private const int OptionsOffset = FixedLength + 4;

    /// <summary>RFC 2132 §9.6 and later RFCs: message types 1 (DISCOVER) to 18 (TLS, RFC 7724).</summary>
    public const int MaxMessageType = 18;

    /// <summary>Parses <paramref name="captured"/>, the kept part of a <paramref name="wireLength"/>-byte datagram.</summary>
    public static string? Parse(ReadOnlySpan<byte> captured, int wireLength, out DhcpMessage message)
    {
        message = default;
        wireLength = Math.Max(wireLength, captured.Length);
        if (captured.Length < FixedLength)
        {
            message.CaptureTruncated = wireLength >= FixedLength;
            return message.CaptureTruncated ? null : DhcpAnomaly.Truncated;
        }

        message.Op = captured[0];
        if (message.Op is not (1 or 2))
        {
            return DhcpAnomaly.BadOp;
        }

        var htype = captured[1];
        var hlen = captured[2];
        if (hlen > 16)
        {
            return DhcpAnomaly.BadHardwareLength;
        }

        message.HasHeader = true;
        if (htype == 1 && hlen == 6)
        {
            message.ClientMac = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(captured[ChaddrOffset..]) << 32)
                                | BinaryPrimitives.ReadUInt32BigEndian(captured[(ChaddrOffset + 2)..]);
        }

        message.YourAddress = BinaryPrimitives.ReadUInt32BigEndian(captured[16..]);
        if (captured.Length < OptionsOffset)
        {
            message.CaptureTruncated = wireLength >= OptionsOffset;
            return null; // BOOTP without vendor extensions
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(captured[FixedLength..]) != MagicCookie)
        {
            return null; // BOOTP with other vendor information (RFC 951): legitimate, no options to read
        }

        message.HasCookie = true;
        var violation = WalkOptions(captured, OptionsOffset, captured.Length, wireLength, ref message, out var overload);
        if (violation is not null || message.CaptureTruncated)
        {
            return violation;
        }

        // RFC 2132 §9.3: 1 = file holds options, 2 = sname, 3 = both; file is read first.
        if ((overload & 1) != 0)
        {
            violation = WalkOptions(captured, FileOffset, FileOffset + FileLength, FileOffset + FileLength, ref message, out _);
        }

        if (violation is null && (overload & 2) != 0)
        {
            violation = WalkOptions(captured, SnameOffset, SnameOffset + SnameLength, SnameOffset + SnameLength, ref message, out _);
        }

        return violation;
    }

    /// <summary>Walks code-length-value options in [<paramref name="start"/>, <paramref name="end"/>) until END (255).</summary>
    private static string? WalkOptions(ReadOnlySpan<byte> m, int start, int end, int wireLength, ref DhcpMessage message, out byte overload)
    {
        overload = 0;
        var i = start;
        while (i < end)
        {
            var code = m[i];
            if (code == 0)
            {
                i++; // PAD
                continue;
            }

            if (code == 255)
            {
                return null; // END
            }

            if (i + 1 >= end)
            {
                return Cut(ref message, i + 1, end, wireLength);
            }

            int length = m[i + 1];
            var value = i + 2;
            if (value + length > end)
            {
                return Cut(ref message, value + length, end, wireLength);
            }

            var v = m.Slice(value, length);
            switch (code)
            {
                case 12: // Host Name (RFC 2132 §3.14)
                    message.HostName = message.HostName.Length == 0 ? (value, length) : message.HostName;
                    break;
                case 50: // Requested IP Address (§9.1)
                    if (length != 4)
                    {
                        return DhcpAnomaly.BadOptionLength;
                    }

                    message.RequestedAddress = BinaryPrimitives.ReadUInt32BigEndian(v);
                    break;
                case 51: // IP Address Lease Time (§9.2)
                    if (length != 4)
                    {
                        return DhcpAnomaly.BadOptionLength;
                    }

                    message.LeaseTime = BinaryPrimitives.ReadUInt32BigEndian(v);
                    break;
                case 52: // Option Overload (§9.3)
                    if (length != 1)
                    {
                        return DhcpAnomaly.BadOptionLength;
                    }

                    overload = v[0];
                    break;
                case 53: // DHCP Message Type (§9.6)
                    if (length != 1)
                    {
                        return DhcpAnomaly.BadOptionLength;
                    }

                    if (v[0] is 0 or > MaxMessageType)
                    {
                        return DhcpAnomaly.BadMessageType;
                    }

                    message.MessageType = v[0];
                    break;
                case 60: // Vendor class identifier (§9.13)
                    message.VendorClass = message.VendorClass.Length == 0 ? (value, length) : message.VendorClass;
                    break;
            }

            i = value + length;
        }

        return null; // no END option: tolerated, many stacks pad instead
    }

    /// <summary>An option runs past <paramref name="end"/>: the capture's fault when the datagram is longer.</summary>
    private static string? Cut(ref DhcpMessage message, int needed, int end, int wireLength)
    {
        if (end < wireLength && needed <= wireLength)
        {
            message.CaptureTruncated = true;
            return null;
        }

        return DhcpAnomaly.OptionTruncated;
    }
}
