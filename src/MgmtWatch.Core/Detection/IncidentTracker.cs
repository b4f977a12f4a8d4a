using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// One alert per incident: a signature firing again for the same source, destination and key within the
/// window is counted, not written again. Bounded: the oldest incidents are forgotten first.
/// </summary>
public sealed class IncidentTracker
{
    /// <summary>Incidents remembered at most.</summary>
    public const int Capacity = 100_000;

    private readonly long _windowNs;
    private readonly Dictionary<(int Sid, HostAddress Source, HostAddress Destination, string Key), Incident> _open = [];
    private readonly Queue<(int, HostAddress, HostAddress, string)> _order = new();

    /// <summary>Creates a tracker that merges repeats within <paramref name="window"/> of packet time.</summary>
    public IncidentTracker(TimeSpan window) => _windowNs = window.Ticks * 100;

    /// <summary>Repeats suppressed so far.</summary>
    public long Suppressed { get; private set; }

    /// <summary>True when this occurrence opens a new incident and should be written.</summary>
    public bool Open(int sid, HostAddress source, HostAddress destination, string? key, long now)
    {
        var id = (sid, source, destination, key ?? "");
        if (_open.TryGetValue(id, out var incident) && now - incident.LastSeen < _windowNs)
        {
            _open[id] = incident with { LastSeen = Math.Max(now, incident.LastSeen), Count = incident.Count + 1 };
            Suppressed++;
            return false;
        }

        if (!_open.ContainsKey(id))
        {
            _order.Enqueue(id);
            while (_open.Count >= Capacity && _order.Count > 0)
            {
                _open.Remove(_order.Dequeue());
            }
        }

        _open[id] = new Incident(now, 1);
        return true;
    }

    private readonly record struct Incident(long LastSeen, long Count);
}
