namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// Counts events per key over a sliding window of packet time, across flows: RAKP exchanges per
/// (console, BMC), probes per scanning source. Each event carries a 64-bit value (a user name hash, a
/// destination) so that distinct values can be counted too. Memory is bounded whatever the traffic: at
/// most <c>maxKeys</c> keys of at most <c>maxEntries</c> events; events older than the window are
/// forgotten, and when the table is full the stalest keys go first. A spray of spoofed consoles can
/// therefore push out real ones, but never grow the table.
/// </summary>
/// <typeparam name="TKey">Key type (a value type such as a host pair).</typeparam>
internal sealed class WindowedTally<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Series> _series = [];
    private readonly int _maxKeys;
    private readonly int _maxEntries;

    /// <summary>Creates a tally of at most <paramref name="maxKeys"/> keys and <paramref name="maxEntries"/> events per key.</summary>
    public WindowedTally(int maxKeys, int maxEntries)
    {
        _maxKeys = maxKeys;
        _maxEntries = maxEntries;
    }

    /// <summary>Keys held.</summary>
    public int Count => _series.Count;

    /// <summary>
    /// Records an event with <paramref name="value"/> at <paramref name="time"/> and returns the events and
    /// the distinct values of the key within <paramref name="window"/> before it. With
    /// <paramref name="distinctOnly"/> a value already held is refreshed rather than added again.
    /// </summary>
    public (int Events, int Distinct) Add(TKey key, long time, long window, ulong value, bool distinctOnly)
    {
        if (!_series.TryGetValue(key, out var series))
        {
            if (_series.Count >= _maxKeys)
            {
                MakeRoom(time, window);
            }

            series = new Series();
            _series.Add(key, series);
        }

        series.Expire(time - window);
        if (!distinctOnly || !series.Refresh(value, time))
        {
            series.Append(time, value, _maxEntries);
        }

        series.LastSeen = Math.Max(series.LastSeen, time);
        return (series.Count, distinctOnly ? series.Count : series.Distinct());
    }

    private void MakeRoom(long now, long window)
    {
        List<TKey>? stale = null;
        foreach (var (key, series) in _series)
        {
            if (series.LastSeen < now - window)
            {
                (stale ??= []).Add(key);
            }
        }

        if (stale is null || _series.Count - stale.Count >= _maxKeys)
        {
            // Everything is recent (a flood): forget the quarter seen least recently.
            var times = new long[_series.Count];
            var i = 0;
            foreach (var series in _series.Values)
            {
                times[i++] = series.LastSeen;
            }

            Array.Sort(times);
            var cutoff = times[times.Length / 4];
            stale ??= [];
            foreach (var (key, series) in _series)
            {
                if (series.LastSeen <= cutoff)
                {
                    stale.Add(key);
                }
            }
        }

        foreach (var key in stale)
        {
            _series.Remove(key);
        }
    }

    private sealed class Series
    {
        private long[] _times = new long[4];
        private ulong[] _values = new ulong[4];

        public int Count { get; private set; }

        public long LastSeen { get; set; } = long.MinValue;

        public void Expire(long cutoff)
        {
            var kept = 0;
            for (var i = 0; i < Count; i++)
            {
                if (_times[i] >= cutoff)
                {
                    _times[kept] = _times[i];
                    _values[kept] = _values[i];
                    kept++;
                }
            }

            Count = kept;
        }

        public bool Refresh(ulong value, long time)
        {
            for (var i = 0; i < Count; i++)
            {
                if (_values[i] == value)
                {
                    _times[i] = Math.Max(_times[i], time);
                    return true;
                }
            }

            return false;
        }

        public void Append(long time, ulong value, int max)
        {
            if (Count == max)
            {
                // Full: drop the oldest event (the window still holds at least max events).
                var oldest = 0;
                for (var i = 1; i < Count; i++)
                {
                    if (_times[i] < _times[oldest])
                    {
                        oldest = i;
                    }
                }

                _times[oldest] = time;
                _values[oldest] = value;
                return;
            }

            if (Count == _times.Length)
            {
                var size = Math.Min(max, _times.Length * 2);
                Array.Resize(ref _times, size);
                Array.Resize(ref _values, size);
            }

            _times[Count] = time;
            _values[Count] = value;
            Count++;
        }

        public int Distinct()
        {
            var distinct = 0;
            for (var i = 0; i < Count; i++)
            {
                var seen = false;
                for (var j = 0; j < i && !seen; j++)
                {
                    seen = _values[j] == _values[i];
                }

                if (!seen)
                {
                    distinct++;
                }
            }

            return distinct;
        }
    }
}
