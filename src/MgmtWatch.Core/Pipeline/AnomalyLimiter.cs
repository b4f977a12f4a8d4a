namespace MgmtWatch.Core.Pipeline;

/// <summary>Allows at most N events per name per minute of packet time.</summary>
internal sealed class AnomalyLimiter
{
    private const long NanosPerMinute = 60_000_000_000;

    private readonly int _perMinute;
    private readonly Dictionary<string, (long Minute, int Count)> _counts = new(StringComparer.Ordinal);

    public AnomalyLimiter(int perMinute) => _perMinute = perMinute;

    public bool Allow(string name, long now)
    {
        var minute = now / NanosPerMinute;
        _counts.TryGetValue(name, out var entry);
        if (entry.Minute != minute)
        {
            entry = (minute, 0);
        }

        entry.Count++;
        _counts[name] = entry;
        return entry.Count <= _perMinute;
    }
}
