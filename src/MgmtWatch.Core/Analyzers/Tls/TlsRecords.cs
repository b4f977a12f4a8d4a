namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>What <see cref="TlsRecords.ReadFirstHandshake"/> found at the start of a stream direction.</summary>
internal enum HandshakeRead
{
    /// <summary>The first handshake message is complete.</summary>
    Complete,

    /// <summary>More bytes are needed.</summary>
    NeedMore,

    /// <summary>The first record is an alert (a server refusing a ClientHello).</summary>
    Alert,

    /// <summary>The bytes are not a TLS record (another protocol, or a capture that began mid-stream).</summary>
    NotTls,

    /// <summary>TLS records, but broken (impossible lengths, a non-handshake record inside the message).</summary>
    Invalid,

    /// <summary>The handshake message is longer than <see cref="TlsRecords.MaxHandshakeLength"/>.</summary>
    TooLarge,
}

/// <summary>
/// The TLS record layer (RFC 5246 §6.2, RFC 8446 §5.1), just enough to take the first handshake message of
/// a direction out of its records: a hello may be split over several records and several TCP segments.
/// </summary>
internal static class TlsRecords
{
    /// <summary>Record header: type, version, length (RFC 8446 §5.1).</summary>
    public const int RecordHeaderLength = 5;

    /// <summary>Handshake header: type and 24-bit length (RFC 8446 §4).</summary>
    public const int HandshakeHeaderLength = 4;

    /// <summary>Largest record payload any TLS version allows: 2^14 plus 2048 of expansion (RFC 5246 §6.2.3).</summary>
    public const int MaxRecordLength = 16384 + 2048;

    /// <summary>
    /// Largest hello we reassemble (header included). Real ClientHellos are 200 B–2 KiB (post-quantum key
    /// shares push Chrome's to ~1.8 KiB); 16 KiB leaves room for any honest client and bounds the work.
    /// </summary>
    public const int MaxHandshakeLength = 16 * 1024;

    public const byte ContentAlert = 21;
    public const byte ContentHandshake = 22;

    /// <summary>
    /// Reads the first handshake message from <paramref name="stream"/> (the start of one direction). When the
    /// message lies in one record it is returned in place; when it spans records its fragments are copied
    /// into <paramref name="scratch"/> (at least <see cref="MaxHandshakeLength"/> bytes). For
    /// <see cref="HandshakeRead.Alert"/>, <paramref name="message"/> holds the alert's level and description.
    /// </summary>
    public static HandshakeRead ReadFirstHandshake(ReadOnlySpan<byte> stream, Span<byte> scratch, out ReadOnlySpan<byte> message)
    {
        message = default;
        var pos = 0;
        var have = 0;
        var needed = -1;
        while (true)
        {
            if (stream.Length - pos < RecordHeaderLength)
            {
                return pos == 0 && !LooksLikeRecordStart(stream) ? HandshakeRead.NotTls : HandshakeRead.NeedMore;
            }

            var type = stream[pos];
            var major = stream[pos + 1];
            var minor = stream[pos + 2];
            var length = (stream[pos + 3] << 8) | stream[pos + 4];

            // Record versions are 3.0 (SSL 3) to 3.4; TLS 1.3 freezes the record version at 3.1 or 3.3.
            if (major != 3 || minor > 4)
            {
                return pos == 0 ? HandshakeRead.NotTls : HandshakeRead.Invalid;
            }

            if (type != ContentHandshake)
            {
                if (pos == 0 && type == ContentAlert && length == 2)
                {
                    if (stream.Length < RecordHeaderLength + 2)
                    {
                        return HandshakeRead.NeedMore;
                    }

                    message = stream.Slice(RecordHeaderLength, 2);
                    return HandshakeRead.Alert;
                }

                return pos == 0 && type is < 20 or > 24 ? HandshakeRead.NotTls : HandshakeRead.Invalid;
            }

            if (length == 0 || length > MaxRecordLength)
            {
                return HandshakeRead.Invalid;
            }

            var available = Math.Min(length, stream.Length - pos - RecordHeaderLength);
            var fragment = stream.Slice(pos + RecordHeaderLength, available);
            if (have == 0 && fragment.Length >= HandshakeHeaderLength)
            {
                // The usual case: the whole message is in the first record; no copy.
                needed = HandshakeHeaderLength + ((fragment[1] << 16) | (fragment[2] << 8) | fragment[3]);
                if (needed > MaxHandshakeLength)
                {
                    return HandshakeRead.TooLarge;
                }

                if (fragment.Length >= needed)
                {
                    message = fragment[..needed];
                    return HandshakeRead.Complete;
                }
            }

            var take = needed < 0 ? fragment.Length : Math.Min(fragment.Length, needed - have);
            take = Math.Min(take, scratch.Length - have);
            fragment[..take].CopyTo(scratch[have..]);
            have += take;
            if (needed < 0 && have >= HandshakeHeaderLength)
            {
                needed = HandshakeHeaderLength + ((scratch[1] << 16) | (scratch[2] << 8) | scratch[3]);
                if (needed > MaxHandshakeLength)
                {
                    return HandshakeRead.TooLarge;
                }
            }

            if (needed >= 0 && have >= needed)
            {
                message = scratch[..needed];
                return HandshakeRead.Complete;
            }

            if (available < length)
            {
                return HandshakeRead.NeedMore;
            }

            pos += RecordHeaderLength + length;
        }
    }

    /// <summary>
    /// The handshake messages at the start of a direction with their records taken off: the contents of its
    /// handshake records, in order, copied into <paramref name="scratch"/> until a record of another type (the
    /// flight ended), the end of the bytes so far, or a full scratch. <paramref name="final"/> is true when later
    /// bytes cannot add to what was copied.
    /// </summary>
    public static ReadOnlySpan<byte> HandshakeLayer(ReadOnlySpan<byte> stream, Span<byte> scratch, out bool final)
    {
        var pos = 0;
        var have = 0;
        while (true)
        {
            if (have == scratch.Length)
            {
                final = true;
                break;
            }

            if (stream.Length - pos < RecordHeaderLength)
            {
                final = false;
                break;
            }

            var length = (stream[pos + 3] << 8) | stream[pos + 4];
            if (stream[pos] != ContentHandshake || stream[pos + 1] != 3 || length == 0 || length > MaxRecordLength)
            {
                final = true;
                break;
            }

            var available = Math.Min(length, stream.Length - pos - RecordHeaderLength);
            var take = Math.Min(available, scratch.Length - have);
            stream.Slice(pos + RecordHeaderLength, take).CopyTo(scratch[have..]);
            have += take;
            if (available < length)
            {
                final = have == scratch.Length;
                break;
            }

            pos += RecordHeaderLength + length;
        }

        return scratch[..have];
    }

    /// <summary>Whether fewer than five bytes could still be the start of a TLS record.</summary>
    private static bool LooksLikeRecordStart(ReadOnlySpan<byte> stream) =>
        (stream.Length < 1 || stream[0] is >= 20 and <= 24) && (stream.Length < 2 || stream[1] == 3) && (stream.Length < 3 || stream[2] <= 4);

    /// <summary>True for GREASE values (RFC 8701 §2): 0x0A0A, 0x1A1A, … 0xFAFA.</summary>
    public static bool IsGrease(ushort value) => (value & 0x0F0F) == 0x0A0A && (value >> 8) == (value & 0xFF);
}
