namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// One direction of a flow's handshake bytes, in stream order. The first segment is offered in place (most
/// hellos and banners fit in one); only when a message spans segments does the direction borrow a
/// <see cref="TcpStreamBuffer"/> from a <see cref="StreamBufferPool"/>, and it gives it back as soon as
/// the handshake is parsed, so a flow that is past its handshake holds no buffer.
/// </summary>
internal sealed class HandshakeStream
{
    private TcpStreamBuffer? _buffer;

    /// <summary>A segment of this direction has been offered.</summary>
    public bool Started { get; private set; }

    /// <summary>Nothing more is wanted from this direction.</summary>
    public bool Finished { get; private set; }

    /// <summary>The borrowed buffer, when the handshake spans segments.</summary>
    public TcpStreamBuffer? Buffer => _buffer;

    /// <summary>A gap, a cut segment or a full buffer means no more bytes can arrive in order.</summary>
    public bool Stalled => _buffer is { } b && (b.Broken || b.Full);

    /// <summary>
    /// Offers a segment. Returns false when there is nothing new to parse (a finished direction, a
    /// retransmission). Otherwise <paramref name="data"/> is the direction's bytes from its start: the
    /// segment itself when nothing is held (<paramref name="inPlace"/>), else the buffer. With
    /// <paramref name="buffered"/> the first segment goes straight into a buffer (protocols whose handshake
    /// is several messages, e.g. a banner then a key exchange), falling back to in place when the pool is empty.
    /// </summary>
    public bool Offer(scoped in AnalyzerPacket packet, StreamBufferPool pool, bool buffered, out ReadOnlySpan<byte> data, out bool inPlace)
    {
        data = default;
        inPlace = false;
        if (Finished)
        {
            return false;
        }

        if (_buffer is null)
        {
            if (Started)
            {
                // The first segment was parsed in place and no buffer could be had: the rest cannot be followed.
                Finished = true;
                return false;
            }

            Started = true;
            if (buffered && Hold(packet, pool))
            {
                data = _buffer!.Data;
                return true;
            }

            data = packet.Payload;
            inPlace = true;
            return true;
        }

        if (!_buffer.Add(packet.Sequence, packet.Payload, packet.PayloadLength))
        {
            return false;
        }

        data = _buffer.Data;
        return true;
    }

    /// <summary>
    /// Keeps the segment just parsed in place because its message continues in the next one. False when no
    /// buffer can be had or the segment was cut by the snap length (the message can then never complete).
    /// </summary>
    public bool Hold(scoped in AnalyzerPacket packet, StreamBufferPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (_buffer is not null || packet.Truncated)
        {
            return _buffer is not null;
        }

        _buffer = pool.Rent();
        if (_buffer is null)
        {
            return false;
        }

        _buffer.Add(packet.Sequence, packet.Payload, packet.PayloadLength);
        return true;
    }

    /// <summary>
    /// After parsing the bytes <see cref="Offer"/> gave: finishes the direction when the parser wants no more
    /// (<paramref name="done"/>), the bytes were parsed in place (nothing holds the rest) or the buffer
    /// stalled; otherwise drops the <paramref name="consumed"/> bytes parsed and passes over
    /// <paramref name="skip"/> more (a message body), finishing if they cannot be passed over. Returns
    /// whether the direction is finished.
    /// </summary>
    public bool Settle(bool done, bool inPlace, int consumed, StreamBufferPool pool, long skip = 0)
    {
        if (!done && !inPlace && !Stalled)
        {
            _buffer!.Consume(consumed);
            if (skip <= 0 || _buffer.Skip(skip))
            {
                return false;
            }
        }

        Finish(pool);
        return true;
    }

    /// <summary>Wants nothing more from this direction and gives the buffer back.</summary>
    public void Finish(StreamBufferPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        Finished = true;
        pool.Return(_buffer);
        _buffer = null;
    }

    /// <summary>Back to new (the buffer, if any, goes back to <paramref name="pool"/>).</summary>
    public void Reset(StreamBufferPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        pool.Return(_buffer);
        _buffer = null;
        Started = false;
        Finished = false;
    }
}
