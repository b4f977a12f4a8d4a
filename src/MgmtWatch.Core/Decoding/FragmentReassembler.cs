namespace MgmtWatch.Core.Decoding;

/// <summary>
/// Reassembles IPv4 and IPv6 fragments into datagrams within fixed memory: at most
/// <see cref="MaxDatagrams"/> datagrams in progress, each in a 64 KiB buffer allocated once and reused,
/// the oldest dropped when a new one needs room, and every datagram forgotten after <see cref="Timeout"/>
/// of packet time. A fragment flood therefore costs bounded memory and shows up in the counters.
/// </summary>
internal sealed class FragmentReassembler
{
    /// <summary>Largest reassembled payload: the 16-bit IPv4 total length and IPv6 payload length fields.</summary>
    private const int MaxPayload = 65_535;

    /// <summary>Fragment offsets count 8-byte units (RFC 791 §3.1, RFC 8200 §4.5).</summary>
    private const int Unit = 8;

    private const int UnitsPerDatagram = (MaxPayload + Unit) / Unit;

    /// <summary>Default datagrams in progress: 512 × 64 KiB = 32 MiB at most.</summary>
    public const int DefaultMaxDatagrams = 512;

    /// <summary>Default lifetime of an incomplete datagram: Linux's ipfrag_time (30 s).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<FragmentKey, int> _index;
    private readonly Slot[] _slots;
    private readonly Stack<int> _free;
    private readonly Queue<(int Slot, long Generation)> _age;
    private readonly long _timeoutNs;
    private long _generation;
    private int _releaseAfterUse = -1;

    /// <summary>Creates a reassembler holding at most <paramref name="maxDatagrams"/> datagrams.</summary>
    public FragmentReassembler(int maxDatagrams = DefaultMaxDatagrams, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagrams, 1);
        MaxDatagrams = maxDatagrams;
        Timeout = timeout ?? DefaultTimeout;
        _timeoutNs = Timeout.Ticks * 100;
        _index = new Dictionary<FragmentKey, int>(maxDatagrams);
        _slots = new Slot[maxDatagrams];
        _free = new Stack<int>(maxDatagrams);
        _age = new Queue<(int, long)>(maxDatagrams);
        for (var i = maxDatagrams - 1; i >= 0; i--)
        {
            _free.Push(i);
        }
    }

    /// <summary>Datagrams that may be in progress at once.</summary>
    public int MaxDatagrams { get; }

    /// <summary>How long an incomplete datagram is kept.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Fragments offered.</summary>
    public long Fragments { get; private set; }

    /// <summary>Datagrams completed.</summary>
    public long Reassembled { get; private set; }

    /// <summary>Incomplete datagrams forgotten after the timeout.</summary>
    public long Expired { get; private set; }

    /// <summary>Incomplete datagrams dropped to make room (cache full).</summary>
    public long Evicted { get; private set; }

    /// <summary>Datagrams in progress now.</summary>
    public int InProgress => _index.Count;

    /// <summary>
    /// Adds one fragment carrying <paramref name="data"/> at byte <paramref name="offset"/> of its datagram's
    /// payload. Returns true when it completes the datagram; <paramref name="datagram"/> is then the whole
    /// transport payload, valid until the next call.
    /// </summary>
    public bool Add(scoped in FragmentKey key, int offset, bool moreFragments, ReadOnlySpan<byte> data, long now,
        out ReadOnlySpan<byte> datagram, out DecodeEvent anomaly)
    {
        datagram = default;
        anomaly = DecodeEvent.None;
        Fragments++;
        if (_releaseAfterUse >= 0)
        {
            _free.Push(_releaseAfterUse);
            _releaseAfterUse = -1;
        }

        ExpireStartedBefore(now - _timeoutNs);

        var end = offset + data.Length;
        if (end > MaxPayload || (moreFragments && data.Length % Unit != 0))
        {
            anomaly = DecodeEvent.FragmentTooLarge;
            return false;
        }

        if (!_index.TryGetValue(key, out var slotIndex))
        {
            if (_free.Count == 0)
            {
                EvictOldest();
                anomaly = DecodeEvent.FragmentCacheFull;
            }

            slotIndex = _free.Pop();
            ref var fresh = ref _slots[slotIndex];
            fresh.Buffer ??= new byte[MaxPayload];
            fresh.Coverage ??= new ulong[(UnitsPerDatagram + 63) / 64];
            Array.Clear(fresh.Coverage);
            fresh.Key = key;
            fresh.Total = -1;
            fresh.CoveredUnits = 0;
            fresh.Started = now;
            fresh.Generation = ++_generation;
            _index.Add(key, slotIndex);
            _age.Enqueue((slotIndex, fresh.Generation));
        }

        ref var slot = ref _slots[slotIndex];
        if (!moreFragments)
        {
            if (slot.Total >= 0 && slot.Total != end)
            {
                anomaly = DecodeEvent.FragmentOverlap;
                Drop(slotIndex);
                return false;
            }

            slot.Total = end;
        }

        // Copy unit by unit, keeping the first copy of any overlapped unit: RFC 5722 forbids overlaps,
        // and keeping the first (the BSD policy) stops a later fragment from rewriting a checked header.
        var firstUnit = offset / Unit;
        var units = (data.Length + Unit - 1) / Unit;
        for (var u = 0; u < units; u++)
        {
            var unit = firstUnit + u;
            ref var word = ref slot.Coverage![unit >> 6];
            var bit = 1UL << (unit & 63);
            if ((word & bit) != 0)
            {
                anomaly = DecodeEvent.FragmentOverlap;
                continue;
            }

            word |= bit;
            slot.CoveredUnits++;
            var start = u * Unit;
            data.Slice(start, Math.Min(Unit, data.Length - start)).CopyTo(slot.Buffer.AsSpan(offset + start));
        }

        if (slot.Total < 0 || slot.CoveredUnits != (slot.Total + Unit - 1) / Unit)
        {
            return false;
        }

        Reassembled++;
        datagram = slot.Buffer.AsSpan(0, slot.Total);
        _index.Remove(slot.Key);
        slot.Generation = 0;

        // The buffer stays untouched until the caller is done with the datagram: freed on the next call.
        _releaseAfterUse = slotIndex;
        return true;
    }

    private void ExpireStartedBefore(long cutoff)
    {
        while (_age.Count > 0)
        {
            var (slotIndex, generation) = _age.Peek();
            ref var slot = ref _slots[slotIndex];
            if (slot.Generation == generation && slot.Started > cutoff)
            {
                return;
            }

            _age.Dequeue();
            if (slot.Generation == generation)
            {
                Expired++;
                Drop(slotIndex);
            }
        }
    }

    private void EvictOldest()
    {
        while (_age.Count > 0)
        {
            var (slotIndex, generation) = _age.Dequeue();
            if (_slots[slotIndex].Generation == generation)
            {
                Evicted++;
                Drop(slotIndex);
                return;
            }
        }
    }

    /// <summary>Forgets an in-progress datagram and frees its slot at once.</summary>
    private void Drop(int slotIndex)
    {
        ref var slot = ref _slots[slotIndex];
        _index.Remove(slot.Key);
        slot.Generation = 0;
        _free.Push(slotIndex);
    }

    private struct Slot
    {
        public FragmentKey Key;
        public byte[] Buffer;
        public ulong[]? Coverage;
        public int Total;
        public int CoveredUnits;
        public long Started;

        /// <summary>Non-zero while the slot holds a datagram in progress; matches its entry in the age queue.</summary>
        public long Generation;
    }
}
