namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// The first bytes of one direction of a TCP stream, in order: enough for handshakes (TLS ClientHello,
/// SSH banners, HTTP request headers, RFB set-up) without full reassembly. Retransmitted bytes are
/// ignored; a segment beyond a gap ends collection (the stream is then <see cref="Broken"/>), so the
/// buffer never holds more than <see cref="Capacity"/> bytes and never guesses.
/// </summary>
public sealed class TcpStreamBuffer
{
    private readonly byte[] _data;
    private uint _nextSequence;
    private bool _started;

    /// <summary>Creates a buffer of <paramref name="capacity"/> bytes.</summary>
    public TcpStreamBuffer(int capacity) => _data = new byte[capacity];

    /// <summary>Bytes kept at most.</summary>
    public int Capacity => _data.Length;

    /// <summary>Bytes collected so far.</summary>
    public int Length { get; private set; }

    /// <summary>True when a gap (lost or uncaptured bytes) stopped collection.</summary>
    public bool Broken { get; private set; }

    /// <summary>True when the buffer is full.</summary>
    public bool Full => Length == _data.Length;

    /// <summary>The bytes collected, in stream order.</summary>
    public ReadOnlySpan<byte> Data => _data.AsSpan(0, Length);

    /// <summary>
    /// Adds a segment starting at <paramref name="sequence"/>. Returns true when new bytes were appended.
    /// A segment that was cut by the snap length appends what was captured and then breaks the stream.
    /// </summary>
    public bool Add(uint sequence, ReadOnlySpan<byte> payload, int wireLength)
    {
        if (Broken || Full || payload.Length == 0)
        {
            return false;
        }

        if (!_started)
        {
            _started = true;
            _nextSequence = sequence;
        }

        var offset = (int)(_nextSequence - sequence);
        if (offset < 0)
        {
            Broken = true; // data after a gap
            return false;
        }

        if (offset >= payload.Length)
        {
            return false; // retransmission of bytes already held
        }

        var fresh = payload[offset..];
        var n = Math.Min(fresh.Length, _data.Length - Length);
        fresh[..n].CopyTo(_data.AsSpan(Length));
        Length += n;
        _nextSequence += (uint)n;
        if (payload.Length < wireLength)
        {
            Broken = true; // the rest of this segment was not captured
        }

        return n > 0;
    }

    /// <summary>Discards the first <paramref name="count"/> bytes (a parsed message).</summary>
    public void Consume(int count)
    {
        count = Math.Clamp(count, 0, Length);
        _data.AsSpan(count, Length - count).CopyTo(_data);
        Length -= count;
    }

    /// <summary>
    /// Passes over the next <paramref name="count"/> bytes of the stream, beyond those held, without storing
    /// them (a message body whose length a header gave): segments holding only those bytes are then treated
    /// like retransmissions, and collection resumes after them. Sequence arithmetic is modulo 2^32, so a
    /// count of 2^31 or more (or a negative one) cannot be followed: the stream is then <see cref="Broken"/>
    /// and false is returned.
    /// </summary>
    public bool Skip(long count)
    {
        if (count is < 0 or > int.MaxValue)
        {
            Broken = true;
            return false;
        }

        if (!_started || Broken)
        {
            return !Broken;
        }

        _nextSequence += (uint)count;
        return true;
    }

    /// <summary>Empties the buffer for reuse.</summary>
    public void Reset()
    {
        Length = 0;
        Broken = false;
        _started = false;
        _nextSequence = 0;
    }
}
