namespace MgmtWatch.Core.Detection;

/// <summary>
/// Counts distinct items per key within a sliding window of packet time, in bounded memory: "distinct
/// community strings from one source in 60 s", "distinct query names under one domain from one host in
/// 300 s". Each key remembers at most <see cref="MaxItemsPerKey"/> items (the oldest is replaced beyond
/// that, so a count saturates rather than grows), and at most <see cref="MaxKeys"/> keys are held: when
/// full, keys whose items have all expired go first, then the least recently active half.
/// </summary>
/// <remarks>
/// Items can be <see cref="Exclude">excluded</see> (an SNMP community that got an answer is no guess)
/// and each key carries a one-shot incident flag, so a rule can alert once when the count crosses its
/// threshold and again only after the key's items have all expired.
/// </remarks>
/// <typeparam name="TKey">What is counted per (a source host, a host and domain).</typeparam>
/// <typeparam name="TItem">What is counted (a fingerprint, a name hash).</typeparam>
internal sealed class WindowedDistinctCounter<TKey, TItem>
    where TKey : notnull
    where TItem : IEquatable<TItem>
{
    private readonly Dictionary<TKey, Entry> _entries = [];

    /// <summary>Creates a counter holding at most <paramref name="maxKeys"/> keys of <paramref name="maxItemsPerKey"/> items each.</summary>
    public WindowedDistinctCounter(int maxKeys, int maxItemsPerKey)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItemsPerKey, 1);
        MaxKeys = maxKeys;
        MaxItemsPerKey = maxItemsPerKey;
    }

    /// <summary>Keys held at most.</summary>
    public int MaxKeys { get; }

    /// <summary>Items remembered per key at most.</summary>
    public int MaxItemsPerKey { get; }

    /// <summary>Keys held now.</summary>
    public int Count => _entries.Count;

    /// <summary>Keys dropped to stay within <see cref="MaxKeys"/> while they still had live items.</summary>
    public long Evicted { get; private set; }

    /// <summary>
    /// Records <paramref name="item"/> for <paramref name="key"/> at <paramref name="now"/> and returns how
    /// many distinct items, not excluded, the key has seen within <paramref name="window"/> (ns).
    /// </summary>
    public int Add(TKey key, TItem item, long now, long window)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= MaxKeys)
            {
                MakeRoom(now, window);
            }

            entry = new Entry(MaxItemsPerKey);
            _entries.Add(key, entry);
        }

        entry.Expire(now - window);
        entry.LastActivity = Math.Max(entry.LastActivity, now);
        var i = entry.IndexOf(item);
        if (i >= 0)
        {
            entry.Seen[i] = Math.Max(entry.Seen[i], now);
        }
        else
        {
            entry.Insert(item, now);
        }

        return entry.CountIncluded();
    }

    /// <summary>Stops counting <paramref name="item"/> for <paramref name="key"/> while it stays in the window.</summary>
    public void Exclude(TKey key, TItem item)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            var i = entry.IndexOf(item);
            if (i >= 0)
            {
                entry.Excluded[i] = true;
            }
        }
    }

    /// <summary>
    /// True the first time it is called for <paramref name="key"/> since its items last all expired: the
    /// caller reports the incident then, and stays quiet while it continues.
    /// </summary>
    public bool TryOpenIncident(TKey key)
    {
        if (!_entries.TryGetValue(key, out var entry) || entry.IncidentOpen)
        {
            return false;
        }

        entry.IncidentOpen = true;
        return true;
    }

    /// <summary>Forgets every key whose items have all left the window ending at <paramref name="now"/>.</summary>
    public void Sweep(long now, long window)
    {
        List<TKey>? expired = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastActivity < now - window)
            {
                (expired ??= []).Add(key);
            }
        }

        if (expired is not null)
        {
            foreach (var key in expired)
            {
                _entries.Remove(key);
            }
        }
    }

    /// <summary>
    /// Frees at least a quarter of the table: expired keys first, then the least recently active until
    /// half is free. Amortised over the quarter of insertions it buys, each costs O(log n).
    /// </summary>
    private void MakeRoom(long now, long window)
    {
        Sweep(now, window);
        if (_entries.Count < MaxKeys - (MaxKeys / 4))
        {
            return;
        }

        var activity = new long[_entries.Count];
        var n = 0;
        foreach (var entry in _entries.Values)
        {
            activity[n++] = entry.LastActivity;
        }

        Array.Sort(activity);
        var cutoff = activity[activity.Length / 2];
        List<TKey> victims = [];
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastActivity <= cutoff && victims.Count < (activity.Length / 2) + 1)
            {
                victims.Add(key);
            }
        }

        foreach (var key in victims)
        {
            _entries.Remove(key);
        }

        Evicted += victims.Count;
    }

    /// <summary>One key's items; arrays start small and double up to the cap, as most keys see one or two items.</summary>
    private sealed class Entry
    {
        private const int InitialCapacity = 4;

        private readonly int _capacity;
        public TItem[] Items;
        public long[] Seen;
        public bool[] Excluded;
        public int Count;
        public long LastActivity = long.MinValue;
        public bool IncidentOpen;

        public Entry(int capacity)
        {
            _capacity = capacity;
            var initial = Math.Min(capacity, InitialCapacity);
            Items = new TItem[initial];
            Seen = new long[initial];
            Excluded = new bool[initial];
        }

        public int IndexOf(TItem item)
        {
            for (var i = 0; i < Count; i++)
            {
                if (Items[i].Equals(item))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Drops items last seen before <paramref name="oldest"/>; an emptied key may open a new incident.</summary>
        public void Expire(long oldest)
        {
            var kept = 0;
            for (var i = 0; i < Count; i++)
            {
                if (Seen[i] >= oldest)
                {
                    Items[kept] = Items[i];
                    Seen[kept] = Seen[i];
                    Excluded[kept] = Excluded[i];
                    kept++;
                }
            }

            Array.Clear(Items, kept, Count - kept);
            Count = kept;
            if (kept == 0)
            {
                IncidentOpen = false;
            }
        }

        public void Insert(TItem item, long now)
        {
            var slot = Count;
            if (Count == Items.Length && Items.Length < _capacity)
            {
                var grown = Math.Min(_capacity, Items.Length * 2);
                Array.Resize(ref Items, grown);
                Array.Resize(ref Seen, grown);
                Array.Resize(ref Excluded, grown);
            }

            if (Count == Items.Length)
            {
                slot = 0;
                for (var i = 1; i < Count; i++)
                {
                    if (Seen[i] < Seen[slot])
                    {
                        slot = i;
                    }
                }
            }
            else
            {
                Count++;
            }

            Items[slot] = item;
            Seen[slot] = now;
            Excluded[slot] = false;
        }

        public int CountIncluded()
        {
            var n = 0;
            for (var i = 0; i < Count; i++)
            {
                if (!Excluded[i])
                {
                    n++;
                }
            }

            return n;
        }
    }
}
