using System.Buffers.Binary;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Encrypted application data as TLS records (RFC 8446 §5.2 / RFC 5246 §6.2): record type 23, version
/// 0x0303, length, then ciphertext; full 16 KiB records for bulk data, the last one shorter. Only the
/// framing is real: the ciphertext is noise of the length AEAD would give (plaintext + 16-byte tag, plus
/// the inner content type in TLS 1.3, or the 8-byte explicit nonce of AES-GCM in TLS 1.2).
/// </summary>
internal sealed class TlsRecordStream : ByteSource
{
    private const int MaxPlaintext = 16_384;
    private readonly long _plaintext;
    private readonly int _overhead;
    private readonly long _salt;
    private readonly byte _contentType;

    public TlsRecordStream(long plaintextLength, bool tls13, long salt, byte contentType = 23)
    {
        _plaintext = Math.Max(1, plaintextLength);
        _overhead = tls13 ? 17 : 24;
        _salt = salt;
        _contentType = contentType;
        Records = (_plaintext + MaxPlaintext - 1) / MaxPlaintext;
        var lastPlain = _plaintext - ((Records - 1) * MaxPlaintext);
        Length = ((Records - 1) * (5 + MaxPlaintext + _overhead)) + 5 + lastPlain + _overhead;
    }

    public long Records { get; }

    public override long Length { get; }

    public override void Fill(Span<byte> destination, long offset)
    {
        var fullRecord = 5L + MaxPlaintext + _overhead;
        var done = 0;
        Span<byte> header = stackalloc byte[5];
        while (done < destination.Length)
        {
            var position = offset + done;
            var record = position / fullRecord;
            var within = position - (record * fullRecord);
            var recordLength = record == Records - 1 ? Length - (record * fullRecord) : fullRecord;
            var n = (int)Math.Min(destination.Length - done, recordLength - within);
            if (within < 5)
            {
                header[0] = _contentType;
                header[1] = 0x03;
                header[2] = 0x03;
                BinaryPrimitives.WriteUInt16BigEndian(header[3..], (ushort)(recordLength - 5));
                var h = (int)Math.Min(5 - within, n);
                header.Slice((int)within, h).CopyTo(destination[done..]);
                done += h;
                continue;
            }

            NoisePool.Fill(destination.Slice(done, n), position + _salt);
            done += n;
        }
    }
}
