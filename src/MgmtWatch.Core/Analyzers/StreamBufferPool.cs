namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// Stream buffers for handshakes that span TCP segments, lent to flows only while they need one and
/// bounded in number: a flood of flows that each send half a handshake costs at most
/// <see cref="MaxBuffers"/> × <see cref="BufferCapacity"/> bytes, never one buffer per flow. When all are
/// lent, <see cref="Rent"/> returns null and the caller parses what single segments hold.
/// </summary>
public sealed class StreamBufferPool
{
    private readonly Stack<TcpStreamBuffer> _idle = new();

    /// <summary>Creates a pool of at most <paramref name="maxBuffers"/> buffers of <paramref name="bufferCapacity"/> bytes.</summary>
    public StreamBufferPool(int bufferCapacity, int maxBuffers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBuffers);
        BufferCapacity = bufferCapacity;
        MaxBuffers = maxBuffers;
    }

    /// <summary>Bytes per buffer.</summary>
    public int BufferCapacity { get; }

    /// <summary>Buffers lent at most at once.</summary>
    public int MaxBuffers { get; }

    /// <summary>Buffers lent now.</summary>
    public int Lent { get; private set; }

    /// <summary>Rentals refused because every buffer was lent.</summary>
    public long Refused { get; private set; }

    /// <summary>An empty buffer, or null when <see cref="MaxBuffers"/> are lent.</summary>
    public TcpStreamBuffer? Rent()
    {
        if (Lent >= MaxBuffers)
        {
            Refused++;
            return null;
        }

        Lent++;
        return _idle.Count > 0 ? _idle.Pop() : new TcpStreamBuffer(BufferCapacity);
    }

    /// <summary>Takes back a buffer from <see cref="Rent"/> (null is ignored).</summary>
    public void Return(TcpStreamBuffer? buffer)
    {
        if (buffer is null)
        {
            return;
        }

        buffer.Reset();
        Lent--;
        _idle.Push(buffer);
    }
}
