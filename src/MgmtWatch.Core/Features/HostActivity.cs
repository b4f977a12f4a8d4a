using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Features;

/// <summary>
/// Recent behaviour of each host, in the spirit of Kitsune's damped incremental statistics (Mirsky et al.,
/// NDSS 2018) but updated per flow rather than per packet: exponentially damped flow and byte rates, the
/// share of recent flows that went unanswered or were refused, and how many distinct peers and ports the
/// host touched in the last few minutes. Memory is bounded: a fixed number of hosts, a fixed number of
/// remembered peers and ports each.
/// </summary>
public sealed class HostActivity
{
    /// <summary>Hosts tracked at most; quiet hosts are forgotten first when full.</summary>
    public const int Capacity = 100_000;

    /// <summary>Distinct peers and ports remembered per host: enough to tell 1–5 (normal) from many (a scan).</summary>
    public const int Slots = 32;

    /// <summary>Fan-out window: a scan or sweep spreads over seconds to minutes.</summary>
    public static readonly long WindowNs = 300L * 1_000_000_000;

    /// <summary>Marks an unused peer or port slot (a real packet time can be any value, 0 included).</summary>
    private const long Empty = long.MinValue;

    private const double ShortTau = 60;
    private const double LongTau = 600;

    private readonly Dictionary<HostAddress, State> _hosts = [];

    /// <summary>Hosts tracked.</summary>
    public int Count => _hosts.Count;

    /// <summary>Records a flow started by <paramref name="originator"/> and returns the originator's activity after it.</summary>
    public Snapshot ObserveOriginator(HostAddress originator, HostAddress responder, ushort port, double bytes, bool failed, long time)
    {
        var s = Get(originator, time);
        var dt = Math.Max(0, (time - s.Time) * 1e-9);
        s.Time = Math.Max(s.Time, time);
        var shortDecay = Math.Exp(-dt / ShortTau);
        var longDecay = Math.Exp(-dt / LongTau);
        s.FlowRate = (s.FlowRate * shortDecay) + 1;
        s.ByteRate = (s.ByteRate * longDecay) + bytes;
        s.Failures = (s.Failures * longDecay) + (failed ? 1 : 0);
        s.Flows = (s.Flows * longDecay) + 1;
        Remember(ref s.Peers, ref s.PeerTimes, (uint)responder.GetHashCode(), time);
        Remember(ref s.Ports, ref s.PortTimes, port, time);
        return new Snapshot(s.FlowRate, s.ByteRate / LongTau, s.Failures / Math.Max(1, s.Flows), Distinct(s.PeerTimes, time), Distinct(s.PortTimes, time));
    }

    /// <summary>Records a flow answered (or not) by <paramref name="responder"/> and returns how many distinct hosts reached it recently.</summary>
    public int ObserveResponder(HostAddress responder, HostAddress originator, long time)
    {
        var s = Get(responder, time);
        s.Time = Math.Max(s.Time, time);
        Remember(ref s.Callers, ref s.CallerTimes, (uint)originator.GetHashCode(), time);
        return Distinct(s.CallerTimes, time);
    }

    /// <summary>The originator's activity as it stands, without recording anything.</summary>
    public Snapshot Peek(HostAddress host, long time)
    {
        if (!_hosts.TryGetValue(host, out var s))
        {
            return default;
        }

        var dt = Math.Max(0, (time - s.Time) * 1e-9);
        var longDecay = Math.Exp(-dt / LongTau);
        return new Snapshot(s.FlowRate * Math.Exp(-dt / ShortTau), s.ByteRate * longDecay / LongTau,
            s.Failures / Math.Max(1, s.Flows), Distinct(s.PeerTimes, time), Distinct(s.PortTimes, time));
    }

    /// <summary>Distinct recent callers of a responder, without recording anything.</summary>
    public int PeekCallers(HostAddress host, long time) => _hosts.TryGetValue(host, out var s) ? Distinct(s.CallerTimes, time) : 0;

    private State Get(HostAddress host, long time)
    {
        if (_hosts.TryGetValue(host, out var s))
        {
            return s;
        }

        if (_hosts.Count >= Capacity)
        {
            Prune(time);
        }

        s = new State { Time = time };
        _hosts.Add(host, s);
        return s;
    }

    private void Prune(long time)
    {
        // Forget hosts quiet for longer than the long time constant; if none are, the quieter half.
        var cutoff = time - (long)(LongTau * 1e9);
        var stale = _hosts.Where(kv => kv.Value.Time < cutoff).Select(kv => kv.Key).ToList();
        if (stale.Count == 0)
        {
            var median = _hosts.Values.Select(v => v.Time).Order().ElementAt(_hosts.Count / 2);
            stale = _hosts.Where(kv => kv.Value.Time <= median).Select(kv => kv.Key).ToList();
        }

        foreach (var key in stale)
        {
            _hosts.Remove(key);
        }
    }

    private static void Remember(ref uint[] keys, ref long[] times, uint key, long time)
    {
        var oldest = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (times[i] != Empty && keys[i] == key)
            {
                times[i] = Math.Max(times[i], time);
                return;
            }

            if (times[i] < times[oldest])
            {
                oldest = i;
            }
        }

        if (times[oldest] != Empty && keys.Length < Slots)
        {
            // Slots grow on demand: most hosts talk to one or two peers, a spoofed flood creates many hosts.
            oldest = keys.Length;
            Array.Resize(ref keys, Math.Min(Slots, keys.Length * 2));
            var grown = new long[keys.Length];
            Array.Fill(grown, Empty);
            times.CopyTo(grown, 0);
            times = grown;
        }

        keys[oldest] = key;
        times[oldest] = time;
    }

    private static int Distinct(long[] times, long now)
    {
        var n = 0;
        foreach (var t in times)
        {
            if (t != Empty && now - t <= WindowNs)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>A host's recent activity.</summary>
    /// <param name="FlowsPerMinute">Flows started, damped over about a minute.</param>
    /// <param name="BytesPerSecond">Bytes per second, damped over about ten minutes.</param>
    /// <param name="FailureShare">Share of recent flows that were unanswered or refused.</param>
    /// <param name="DistinctPeers">Distinct responders in the last five minutes (at most <see cref="Slots"/>).</param>
    /// <param name="DistinctPorts">Distinct responder ports in the last five minutes (at most <see cref="Slots"/>).</param>
    public readonly record struct Snapshot(double FlowsPerMinute, double BytesPerSecond, double FailureShare, int DistinctPeers, int DistinctPorts);

    private sealed class State
    {
        public long Time;
        public double FlowRate;
        public double ByteRate;
        public double Failures;
        public double Flows;
        public uint[] Peers = new uint[2];
        public long[] PeerTimes = EmptySlots();
        public uint[] Ports = new uint[2];
        public long[] PortTimes = EmptySlots();
        public uint[] Callers = new uint[2];
        public long[] CallerTimes = EmptySlots();

        private static long[] EmptySlots() => [Empty, Empty];
    }
}
