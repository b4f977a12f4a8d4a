using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Pipeline;

/// <summary>
/// Bytes and flows per host, in bounded memory: when <see cref="Capacity"/> hosts are tracked, the lighter
/// half is dropped. Heavy hitters survive (a host that matters keeps accumulating), so the top of the list
/// stays right even when a flood of spoofed sources passes through.
/// </summary>
public sealed class TopTalkers
{
    /// <summary>Hosts tracked at most.</summary>
    public const int Capacity = 65_536;

    private readonly Dictionary<HostAddress, Talker> _hosts = [];

    /// <summary>Adds a flow's bytes to both endpoints.</summary>
    public void Add(HostAddress host, ulong bytes)
    {
        if (!_hosts.TryGetValue(host, out var t) && _hosts.Count >= Capacity)
        {
            Prune();
        }

        _hosts[host] = new Talker(t.Bytes + bytes, t.Flows + 1);
    }

    /// <summary>The <paramref name="count"/> hosts with most bytes.</summary>
    public IReadOnlyList<(HostAddress Host, ulong Bytes, long Flows)> Top(int count) =>
        _hosts.OrderByDescending(kv => kv.Value.Bytes).ThenBy(kv => kv.Key)
            .Take(count).Select(kv => (kv.Key, kv.Value.Bytes, kv.Value.Flows)).ToList();

    /// <summary>Hosts seen (bounded by <see cref="Capacity"/>).</summary>
    public int Count => _hosts.Count;

    private void Prune()
    {
        var median = _hosts.Values.Select(v => v.Bytes).Order().ElementAt(_hosts.Count / 2);
        foreach (var key in _hosts.Where(kv => kv.Value.Bytes <= median).Select(kv => kv.Key).ToList())
        {
            _hosts.Remove(key);
        }
    }

    private readonly record struct Talker(ulong Bytes, long Flows);
}
