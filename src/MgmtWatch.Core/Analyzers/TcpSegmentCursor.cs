namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// Follows one direction of a TCP stream by sequence number without holding its bytes: each segment
/// yields only the bytes not seen before, in order, and says when bytes were lost in between. For
/// analyzers that parse a stream as it passes (length-prefixed DNS, framed syslog) where
/// <see cref="TcpStreamBuffer"/>, which keeps the bytes, would have to be as large as a segment.
/// Retransmissions and overlaps are trimmed; a segment that arrives late, after a gap was skipped, is
/// dropped (MgmtWatch does not reassemble).
/// </summary>
public sealed class TcpSegmentCursor
{
    private uint _next;
    private bool _started;
    private bool _gapPending;

    /// <summary>Bytes known lost so far (gaps in sequence space, and segment tails the capture cut).</summary>
    public long MissedBytes { get; private set; }

    /// <summary>
    /// The part of the segment at <paramref name="sequence"/> not yet seen. <paramref name="gapBefore"/> is
    /// true when bytes are missing between the previous bytes returned and these, so a parser must
    /// resynchronise. Empty for a pure retransmission.
    /// </summary>
    public ReadOnlySpan<byte> Advance(uint sequence, ReadOnlySpan<byte> payload, int wireLength, out bool gapBefore)
    {
        gapBefore = false;
        wireLength = Math.Max(wireLength, payload.Length);
        if (!_started)
        {
            _started = true;
            _next = sequence;
        }

        var offset = (int)(_next - sequence);
        if (offset < 0)
        {
            // Data beyond the expected sequence: the bytes in between were not captured.
            MissedBytes += -(long)offset;
            gapBefore = true;
            offset = 0;
        }
        else if (offset >= wireLength)
        {
            return default; // nothing new
        }

        if (_gapPending && payload.Length > offset)
        {
            gapBefore = true;
        }

        _next = sequence + (uint)wireLength;
        if (payload.Length < wireLength)
        {
            // The capture kept only the start of this segment: what follows it is a gap.
            MissedBytes += wireLength - Math.Max(payload.Length, offset);
            _gapPending = true;
        }
        else if (payload.Length > offset)
        {
            _gapPending = false;
        }

        return offset < payload.Length ? payload[offset..] : default;
    }

    /// <summary>Forgets the stream, for reuse.</summary>
    public void Reset()
    {
        _next = 0;
        _started = false;
        _gapPending = false;
        MissedBytes = 0;
    }
}
