using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>NTPv4 client and server packets (RFC 5905 §7.3): 48 bytes, no extension fields.</summary>
internal static class NtpMessages
{
    /// <summary>A mode-3 request: ntpd fills only its transmit timestamp (origin and receive are zero).</summary>
    public static int Client(Span<byte> b, long now, byte pollExponent, bool synchronised, ulong reference)
    {
        b[..48].Clear();
        b[0] = synchronised ? (byte)0x23 : (byte)0xE3; // LI 0 (or 3 = clock unsynchronised), VN 4, mode 3
        b[1] = synchronised ? (byte)3 : (byte)0;
        b[2] = pollExponent;
        b[3] = 0xEC; // precision 2^-20 s
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], synchronised ? 0x0000_0A00u : 0x0001_0000u);
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], synchronised ? 0x0000_2000u : 0x0001_0000u);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], synchronised ? (uint)(reference >> 32) : 0);
        if (synchronised)
        {
            BinaryPrimitives.WriteUInt64BigEndian(b[16..], reference);
        }

        BinaryPrimitives.WriteUInt64BigEndian(b[40..], SimTime.NtpTimestamp(now));
        return 48;
    }

    /// <summary>A mode-4 reply from a stratum-2 server synchronised to <paramref name="referenceId"/>.</summary>
    public static int Server(Span<byte> b, ReadOnlySpan<byte> request, long received, long sent, uint referenceId)
    {
        b[..48].Clear();
        b[0] = 0x24; // LI 0, VN 4, mode 4
        b[1] = 2;
        b[2] = request[2];
        b[3] = 0xE9; // precision 2^-23 s
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], 0x0000_0180u);
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], 0x0000_03A0u);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], referenceId);
        BinaryPrimitives.WriteUInt64BigEndian(b[16..], SimTime.NtpTimestamp(received - (37 * SimTime.Second)));
        request.Slice(40, 8).CopyTo(b[24..]); // origin = the client's transmit timestamp
        BinaryPrimitives.WriteUInt64BigEndian(b[32..], SimTime.NtpTimestamp(received));
        BinaryPrimitives.WriteUInt64BigEndian(b[40..], SimTime.NtpTimestamp(sent));
        return 48;
    }
}
