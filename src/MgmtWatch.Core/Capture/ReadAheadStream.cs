using System.Runtime.ExceptionServices;

namespace MgmtWatch.Core.Capture;

/// <summary>
/// Reads a sequential stream in fixed chunks of <see cref="ChunkSize"/> bytes, ahead of its reader on a
/// thread of its own when one is free. Made for gzip captures: inflating costs about as much as the whole
/// analysis of the packets it yields, and on a second core it runs beside the packet loop instead of before it.
/// <para>
/// Both modes fill the same chunks with the same sequence of reads of the inner stream, so a corrupt or
/// truncated stream fails after exactly the same bytes whether it was read ahead or not, and a run on one
/// thread writes what a run on two writes. A failure is handed to the reader after the bytes read before it,
/// as the inner stream would have thrown it. Memory is fixed: <see cref="ChunksInFlight"/> chunks read ahead,
/// one filled on demand, and at most <see cref="MaxReadAheadThreads"/> threads in the process (a merge of many
/// overlapping files reads the rest inline).
/// </para>
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    /// <summary>Bytes per chunk: the capture reader's buffer size, so one chunk refills it.</summary>
    public const int ChunkSize = 1 << 20;

    /// <summary>Chunks read ahead of the reader at most (3 MiB of decompressed capture).</summary>
    private const int ChunksInFlight = 3;

    /// <summary>Read-ahead threads in the process at most: more than the cores would only take turns.</summary>
    private const int MaxReadAheadThreads = 2;

    private static int _threads;

    private readonly Stream _inner;
    private readonly Func<long>? _sourcePosition;
    private readonly object _lock = new(); // Monitor: the reader and the read-ahead thread wait on each other
    private readonly Queue<Chunk> _ready = new(ChunksInFlight);
    private readonly Stack<Chunk> _free = new(ChunksInFlight);
    private readonly Thread? _thread;
    private Chunk? _current;
    private int _offset;
    private bool _stopping;
    private bool _disposed;
    private long _sourcePositionValue;

    /// <summary>
    /// Reads <paramref name="inner"/> (which this stream then owns) ahead on a thread of its own if
    /// <paramref name="readAhead"/> and a thread is free, otherwise chunk by chunk as the reader asks.
    /// </summary>
    /// <param name="inner">The stream to read, sequentially; disposed with this one.</param>
    /// <param name="readAhead">Whether to read on another thread (a run with more than one thread).</param>
    /// <param name="sourcePosition">
    /// Position in the underlying file, asked after each chunk on the thread that filled it (for progress:
    /// the file must not be touched by two threads).
    /// </param>
    public ReadAheadStream(Stream inner, bool readAhead, Func<long>? sourcePosition = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _sourcePosition = sourcePosition;
        if (readAhead && TryTakeThread())
        {
            for (var i = 0; i < ChunksInFlight; i++)
            {
                _free.Push(new Chunk());
            }

            _thread = new Thread(ReadAhead) { IsBackground = true, Name = "mgmtwatch read-ahead" };
            _thread.Start();
        }
    }

    /// <summary>True when a thread of its own reads the inner stream.</summary>
    public bool ReadsAhead => _thread is not null;

    /// <summary>Position in the underlying file after the last chunk filled (see the constructor); 0 without one.</summary>
    public long SourcePosition => Volatile.Read(ref _sourcePositionValue);

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (_current is { } chunk)
            {
                var left = chunk.Length - _offset;
                if (left > 0)
                {
                    var n = Math.Min(left, buffer.Length);
                    chunk.Data.AsSpan(_offset, n).CopyTo(buffer);
                    _offset += n;
                    return n;
                }

                // The chunk is used up: the stream ends here, or fails here, as the inner stream did.
                chunk.Failure?.Throw();
                if (chunk.End)
                {
                    return 0;
                }
            }

            _current = NextChunk(_current);
            _offset = 0;
        }
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_thread is not null)
            {
                lock (_lock)
                {
                    _stopping = true;
                    Monitor.PulseAll(_lock);
                }

                // At most one chunk's read is in progress; the inner stream is disposed only after it.
                _thread.Join();
            }

            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static bool TryTakeThread()
    {
        while (true)
        {
            var taken = Volatile.Read(ref _threads);
            if (taken >= MaxReadAheadThreads)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _threads, taken + 1, taken) == taken)
            {
                return true;
            }
        }
    }

    /// <summary>Hands back the chunk the reader has used up, if any, and returns the next one filled.</summary>
    private Chunk NextChunk(Chunk? used)
    {
        if (_thread is null)
        {
            // Inline: one chunk, refilled in place.
            var chunk = used ?? new Chunk();
            Fill(chunk);
            return chunk;
        }

        lock (_lock)
        {
            if (used is not null)
            {
                _free.Push(used);
                Monitor.PulseAll(_lock);
            }

            while (_ready.Count == 0)
            {
                Monitor.Wait(_lock);
            }

            return _ready.Dequeue();
        }
    }

    private void ReadAhead()
    {
        try
        {
            while (true)
            {
                Chunk chunk;
                lock (_lock)
                {
                    while (_free.Count == 0 && !_stopping)
                    {
                        Monitor.Wait(_lock);
                    }

                    if (_stopping)
                    {
                        return;
                    }

                    chunk = _free.Pop();
                }

                Fill(chunk);
                lock (_lock)
                {
                    _ready.Enqueue(chunk);
                    Monitor.PulseAll(_lock);
                }

                if (chunk.End)
                {
                    return; // the end or a failure: nothing more to read
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _threads);
        }
    }

    /// <summary>Fills a chunk from the inner stream: the same reads in either mode.</summary>
    private void Fill(Chunk chunk)
    {
        chunk.Length = 0;
        chunk.End = false;
        chunk.Failure = null;
        try
        {
            while (chunk.Length < ChunkSize)
            {
                var n = _inner.Read(chunk.Data, chunk.Length, ChunkSize - chunk.Length);
                if (n == 0)
                {
                    chunk.End = true;
                    break;
                }

                chunk.Length += n;
            }
        }
#pragma warning disable CA1031 // Whatever the inner stream throws is the reader's to see, on its own thread, after the bytes before it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            chunk.Failure = ExceptionDispatchInfo.Capture(e);
            chunk.End = true;
        }

        if (_sourcePosition is not null)
        {
            Volatile.Write(ref _sourcePositionValue, _sourcePosition());
        }
    }

    private sealed class Chunk
    {
        public readonly byte[] Data = GC.AllocateUninitializedArray<byte>(ChunkSize);
        public int Length;
        public bool End;
        public ExceptionDispatchInfo? Failure;
    }
}
