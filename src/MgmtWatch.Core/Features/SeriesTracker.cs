using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Features;

/// <summary>
/// The recent connections of each (client, server, service) series: start times and sizes of the last
/// few, from which the beacon score is computed. Bounded in series and in connections per series.
/// </summary>
public sealed class SeriesTracker
{
    /// <summary>Connections remembered per series: 16 intervals judge a rhythm well and cost little.</summary>
    public const int Depth = 16;

    /// <summary>Series tracked at most.</summary>
    public const int Capacity = 200_000;

    private readonly Dictionary<(HostAddress, HostAddress, string), Series> _series = [];
    private readonly long[] _starts = new long[Depth];
    private readonly double[] _sizes = new double[Depth];
    private readonly double[] _scratch = new double[Depth];

    /// <summary>Series tracked.</summary>
    public int Count => _series.Count;

    /// <summary>Adds a connection and returns the series' connection count and beacon score.</summary>
    public (long Connections, double Score) Observe(HostAddress client, HostAddress server, string service, long start, double bytes)
    {
        var key = (client, server, service);
        if (!_series.TryGetValue(key, out var s))
        {
            if (_series.Count >= Capacity)
            {
                Prune();
            }

            s = new Series();
            _series.Add(key, s);
        }

        s.Starts[s.Next] = start;
        s.Sizes[s.Next] = bytes;
        s.Next = (s.Next + 1) % Depth;
        s.Count++;
        s.Last = Math.Max(s.Last, start);
        return Score(s);
    }

    /// <summary>The series' connection count and beacon score as they stand, without recording anything.</summary>
    public (long Connections, double Score) Peek(HostAddress client, HostAddress server, string service) =>
        _series.TryGetValue((client, server, service), out var s) ? Score(s) : (0, 0);

    private (long Connections, double Score) Score(Series s)
    {
        var n = (int)Math.Min(s.Count, Depth);
        for (var i = 0; i < n; i++)
        {
            var index = (s.Next - n + i + Depth) % Depth;
            _starts[i] = s.Starts[index];
            _sizes[i] = s.Sizes[index];
        }

        // Flows end out of start order (timeouts differ); sort the window by start before scoring.
        Array.Sort(_starts, _sizes, 0, n);
        return (s.Count, BeaconScore.Compute(_starts.AsSpan(0, n), _sizes.AsSpan(0, n), _scratch));
    }

    private void Prune()
    {
        var median = _series.Values.Select(v => v.Last).Order().ElementAt(_series.Count / 2);
        foreach (var key in _series.Where(kv => kv.Value.Last <= median).Select(kv => kv.Key).ToList())
        {
            _series.Remove(key);
        }
    }

    private sealed class Series
    {
        public readonly long[] Starts = new long[Depth];
        public readonly double[] Sizes = new double[Depth];
        public int Next;
        public long Count;
        public long Last;
    }
}
