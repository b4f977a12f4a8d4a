namespace MgmtWatch.Core.Capture;

/// <summary>
/// Several capture files read as one stream of packets. In <see cref="MergeOrder.Time"/> order the files
/// are first sorted by their first timestamp and opened only when the merged stream reaches them, so a
/// day of rotated captures (files that follow each other) holds one file open at a time, and only truly
/// overlapping files are open together.
/// </summary>
public sealed class CaptureFileSet : IPacketSource
{
    private readonly List<CaptureError> _errors = [];
    private readonly Pending[] _pending;
    private readonly List<CaptureFileReader> _active = [];
    private readonly long[] _sizes;
    private readonly bool _readAhead;
    private int _nextPending;
    private CaptureFileReader? _current;
    private bool _currentNeedsAdvance;
    private long _closedBytes;

    /// <summary>Prepares to read <paramref name="paths"/>; files that cannot be opened are reported in <see cref="Errors"/>.</summary>
    /// <param name="paths">The files.</param>
    /// <param name="order">How their packets are merged.</param>
    /// <param name="readAhead">Inflate gzip files on another thread (see <see cref="ReadAheadStream"/>); the packets are the same either way.</param>
    public CaptureFileSet(IReadOnlyList<string> paths, MergeOrder order, bool readAhead = false)
    {
        ArgumentNullException.ThrowIfNull(paths);
        SourceNames = paths;
        Order = order;
        _readAhead = readAhead;
        _sizes = new long[paths.Count];
        var pending = new List<Pending>(paths.Count);
        for (var i = 0; i < paths.Count; i++)
        {
            var probe = CaptureFileReader.Open(paths[i], i, out var error);
            if (probe is null)
            {
                _errors.Add(error!);
                continue;
            }

            _sizes[i] = probe.BytesTotal;
            BytesTotal += probe.BytesTotal;
            if (order == MergeOrder.Given)
            {
                pending.Add(new Pending(i, 0));
                probe.Dispose();
                continue;
            }

            // Time order needs each file's first timestamp; an unreadable or empty file is still
            // opened in turn so that its error is reported and its size counted.
            var first = probe.MoveNext() ? probe.Current.Timestamp : long.MinValue;
            pending.Add(new Pending(i, first));
            probe.Dispose();
        }

        if (order == MergeOrder.Time)
        {
            pending.Sort(static (a, b) => a.FirstTimestamp != b.FirstTimestamp ? a.FirstTimestamp.CompareTo(b.FirstTimestamp) : a.Index.CompareTo(b.Index));
        }

        _pending = [.. pending];
    }

    /// <summary>The merge order.</summary>
    public MergeOrder Order { get; }

    /// <inheritdoc/>
    public ref readonly PacketInfo Current => ref _current!.Current;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> Data => _current!.Data;

    /// <inheritdoc/>
    public IReadOnlyList<CaptureError> Errors => _errors;

    /// <inheritdoc/>
    public long BytesConsumed
    {
        get
        {
            var sum = _closedBytes;
            foreach (var r in _active)
            {
                sum += r.BytesConsumed;
            }

            return sum;
        }
    }

    /// <inheritdoc/>
    public long BytesTotal { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> SourceNames { get; }

    /// <summary>Formats seen, by file index (for the summary).</summary>
    public string?[] Formats { get; private set; } = [];

    /// <inheritdoc/>
    public bool MoveNext()
    {
        if (Formats.Length == 0)
        {
            Formats = new string?[SourceNames.Count];
        }

        if (_current is not null && _currentNeedsAdvance && !_current.MoveNext())
        {
            Retire(_current);
        }

        _current = null;
        while (true)
        {
            // Open every pending file whose first packet is not later than the earliest buffered one.
            while (_nextPending < _pending.Length && (_active.Count == 0 ||
                   (Order == MergeOrder.Time && _pending[_nextPending].FirstTimestamp <= EarliestActive())))
            {
                OpenNext();
            }

            if (_active.Count == 0)
            {
                return false;
            }

            var best = _active[0];
            if (Order == MergeOrder.Time)
            {
                for (var i = 1; i < _active.Count; i++)
                {
                    var r = _active[i];
                    if (r.Current.Timestamp < best.Current.Timestamp)
                    {
                        best = r;
                    }
                }
            }

            _current = best;
            _currentNeedsAdvance = true;
            return true;
        }
    }

    private long EarliestActive()
    {
        var min = long.MaxValue;
        foreach (var r in _active)
        {
            min = Math.Min(min, r.Current.Timestamp);
        }

        return min;
    }

    private void OpenNext()
    {
        var p = _pending[_nextPending++];
        var reader = CaptureFileReader.Open(SourceNames[p.Index], p.Index, out var error, _readAhead);
        if (reader is null)
        {
            _errors.Add(error!);
            _closedBytes += _sizes[p.Index];
            return;
        }

        Formats[p.Index] = reader.FormatName;
        if (reader.MoveNext())
        {
            _active.Add(reader);
        }
        else
        {
            Retire(reader);
        }
    }

    private void Retire(CaptureFileReader reader)
    {
        if (reader.Error is not null)
        {
            _errors.Add(reader.Error);
        }

        _active.Remove(reader);
        _closedBytes += reader.BytesTotal;
        reader.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var r in _active)
        {
            r.Dispose();
        }

        _active.Clear();
    }

    private readonly record struct Pending(int Index, long FirstTimestamp);
}
