using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Analyzers.Snmp;

/// <summary>
/// (manager, agent) pairs seen polling in this run: the manager's Get, GetNext or GetBulk request was
/// answered with a Response, so its credential was accepted. The fallback notion of "manager" for
/// <see cref="Detection.Signatures.SnmpSetFromNonManager"/> when the site configured no manager networks.
/// Bounded: beyond <see cref="Capacity"/> pairs the oldest learned is forgotten first.
/// </summary>
internal sealed class SnmpPollers
{
    /// <summary>Pairs remembered at most (about 4 MB): thousands of agents times a few pollers each.</summary>
    public const int Capacity = 65_536;

    private readonly HashSet<(HostAddress Manager, HostAddress Agent)> _pairs = [];
    private readonly Queue<(HostAddress, HostAddress)> _order = new();

    /// <summary>Pairs held now.</summary>
    public int Count => _pairs.Count;

    /// <summary>Records that <paramref name="manager"/> polled <paramref name="agent"/> successfully.</summary>
    public void Learn(HostAddress manager, HostAddress agent)
    {
        if (!_pairs.Add((manager, agent)))
        {
            return;
        }

        _order.Enqueue((manager, agent));
        while (_pairs.Count > Capacity && _order.Count > 0)
        {
            _pairs.Remove(_order.Dequeue());
        }
    }

    /// <summary>True when <paramref name="manager"/> was seen polling <paramref name="agent"/>.</summary>
    public bool Polled(HostAddress manager, HostAddress agent) => _pairs.Contains((manager, agent));
}
