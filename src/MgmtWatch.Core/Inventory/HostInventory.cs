using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Inventory;

/// <summary>
/// IPv4 address to MAC bindings learned from ARP, bounded. A new MAC on the management VLAN, or a BMC whose
/// MAC changes, is worth knowing (threats.md S15); this is where those facts start.
/// </summary>
public sealed class HostInventory
{
    /// <summary>Hosts tracked at most; ARP from spoofed sources cannot grow the table beyond it.</summary>
    public const int Capacity = 65_536;

    private readonly Dictionary<HostAddress, Binding> _hosts = [];

    /// <summary>Bindings (address, MAC, first seen, last seen).</summary>
    public IEnumerable<(HostAddress Address, ulong Mac, long FirstSeen, long LastSeen)> Hosts =>
        _hosts.Select(kv => (kv.Key, kv.Value.Mac, kv.Value.FirstSeen, kv.Value.LastSeen));

    /// <summary>Hosts known.</summary>
    public int Count => _hosts.Count;

    /// <summary>Records an ARP sender binding; returns true when it is new or the MAC changed.</summary>
    public bool Observe(HostAddress address, ulong mac, long now)
    {
        if (address == HostAddress.FromV4(0))
        {
            return false; // ARP probes (RFC 5227) carry no sender address
        }

        if (_hosts.TryGetValue(address, out var b))
        {
            _hosts[address] = b with { Mac = mac, LastSeen = now };
            return b.Mac != mac;
        }

        if (_hosts.Count >= Capacity)
        {
            return false;
        }

        _hosts[address] = new Binding(mac, now, now);
        return true;
    }

    private readonly record struct Binding(ulong Mac, long FirstSeen, long LastSeen);
}
