namespace MgmtWatch.Core.Detection;

/// <summary>
/// For each key (a source, a source-destination pair...), the distinct items seen within a sliding window
/// of packet time: distinct ports a source tried, distinct hosts it swept. Bounded twice: each key keeps at
/// most <see cref="ItemsPerKey"/> items (enough to reach any threshold), and at most <see cref="MaxKeys"/>
/// keys are kept, the quietest forgotten first, so a flood of spoofed sources costs fixed memory.
/// </summary>
/// <typeparam name="TKey">What is counted per.</typeparam>
public sealed class WindowedDistinct<TKey>
    where TKey : notnull
{
    /// <summary>Items remembered per key; thresholds above it cannot be reached.</summary>
    public const int ItemsPerKey = 256;

    /// <summary>Keys remembered at most.</summary>
    public const int MaxKeys = 50_000;

    private readonly Dictionary<TKey, Entry> _entries = [];

    /// <summary>Adds <paramref name="item"/> for <paramref name="key"/> at <paramref name="time"/>; returns the distinct items within <paramref name="windowNs"/>.</summary>
    public int Add(TKey key, ulong item, long time, long windowNs)
    {
        if (!_entries.TryGetValue(key, out var e))
        {
            if (_entries.Count >= MaxKeys)
            {
                Prune(time, windowNs);
            }

            e = new Entry();
            _entries.Add(key, e);
        }

        e.Last = Math.Max(e.Last, time);
        var cutoff = time - windowNs;
        var count = 0;
        var found = false;
        var oldest = -1;
        for (var i = 0; i < e.Used; i++)
        {
            if (e.Items[i] == item)
            {
                e.Times[i] = Math.Max(e.Times[i], time);
                found = true;
            }

            if (e.Times[i] >= cutoff)
            {
                count++;
            }
            else if (oldest < 0)
            {
                oldest = i;
            }
        }

        if (!found)
        {
            if (e.Used == e.Items.Length && e.Used < ItemsPerKey && oldest < 0)
            {
                e.Grow();
            }

            var slot = e.Used < e.Items.Length ? e.Used++ : oldest >= 0 ? oldest : OldestOf(e);
            e.Items[slot] = item;
            e.Times[slot] = time;
            count++;
        }

        return Math.Min(count, ItemsPerKey);
    }

    private static int OldestOf(Entry e)
    {
        var oldest = 0;
        for (var i = 1; i < e.Used; i++)
        {
            if (e.Times[i] < e.Times[oldest])
            {
                oldest = i;
            }
        }

        return oldest;
    }

    private void Prune(long now, long windowNs)
    {
        var stale = _entries.Where(kv => kv.Value.Last < now - windowNs).Select(kv => kv.Key).ToList();
        if (stale.Count == 0)
        {
            var median = _entries.Values.Select(v => v.Last).Order().ElementAt(_entries.Count / 2);
            stale = _entries.Where(kv => kv.Value.Last <= median).Select(kv => kv.Key).ToList();
        }

        foreach (var key in stale)
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Items and times grow from a few slots: most keys (one source, one destination) see one item.</summary>
    private sealed class Entry
    {
        public ulong[] Items = new ulong[4];
        public long[] Times = new long[4];
        public int Used;
        public long Last;

        public void Grow()
        {
            var size = Math.Min(ItemsPerKey, Items.Length * 2);
            Array.Resize(ref Items, size);
            Array.Resize(ref Times, size);
        }
    }
}
