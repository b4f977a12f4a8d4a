namespace MgmtWatch.Core.Analyzers;

/// <summary>Report intervals shared by the analyzers.</summary>
internal static class ReportLimiter
{
    /// <summary>How often a configuration finding about one host (a BMC that allows anonymous login, an agent that answers a default community) is repeated: daily.</summary>
    public const long PostureInterval = 86_400_000_000_000;
}

/// <summary>
/// Remembers when something was last reported per key, so that a finding about a host (a BMC that allows
/// anonymous login, a source sweeping many BMCs) is reported once per interval of packet time rather than
/// once per console or per destination. Bounded: at most <c>maxKeys</c> keys, the stalest forgotten first.
/// </summary>
/// <typeparam name="TKey">Key type.</typeparam>
internal sealed class ReportLimiter<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, long> _last = [];
    private readonly int _maxKeys;

    /// <summary>Creates a limiter of at most <paramref name="maxKeys"/> keys.</summary>
    public ReportLimiter(int maxKeys) => _maxKeys = maxKeys;

    /// <summary>Keys held.</summary>
    public int Count => _last.Count;

    /// <summary>
    /// True (and remembered) when <paramref name="key"/> was not reported within <paramref name="interval"/> of
    /// <paramref name="now"/>, before or after: decisions taken late carry the time of their evidence.
    /// </summary>
    public bool TryReport(TKey key, long now, long interval)
    {
        if (_last.TryGetValue(key, out var last) && Math.Abs(now - last) < interval)
        {
            return false;
        }

        if (!_last.ContainsKey(key) && _last.Count >= _maxKeys)
        {
            var times = new long[_last.Count];
            _last.Values.CopyTo(times, 0);
            Array.Sort(times);
            var cutoff = times[times.Length / 4];
            var stale = new List<TKey>();
            foreach (var (k, t) in _last)
            {
                if (t <= cutoff)
                {
                    stale.Add(k);
                }
            }

            foreach (var k in stale)
            {
                _last.Remove(k);
            }
        }

        _last[key] = now;
        return true;
    }
}
