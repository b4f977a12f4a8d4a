namespace MgmtWatch.Core.Simulation;

/// <summary>
/// An attack campaign: chooses its targets, attacker addresses and timing from its own random stream
/// ("attack/&lt;name&gt;"), changes the site only in ways the attack implies (an attacker host, a BMC that
/// accepts cipher 0, an outage after a malicious flash), then generates its traffic with every frame
/// tagged by the label row it belongs to.
/// </summary>
internal abstract class Campaign
{
    protected Campaign(Site site, string attack)
    {
        Site = site;
        Attack = attack;
        Id = AttackCatalog.CampaignId(attack);
        Random = RandomStreams.Create(site.TrafficSeed, "attack/" + attack);
    }

    public string Id { get; }

    public string Attack { get; }

    public Site Site { get; }

    /// <summary>The label rows this campaign fills (in creation order).</summary>
    public List<LabelPattern> Patterns { get; } = [];

    /// <summary>One line for the run summary.</summary>
    public string Summary { get; protected set; } = "";

    protected Random Random { get; }

    /// <summary>When the campaign starts (µs).</summary>
    protected long Start { get; private set; }

    /// <summary>How long the campaign runs at most (it is cut at the end of the capture).</summary>
    protected long Length { get; private set; }

    /// <summary>Chooses the campaign's time span inside [<paramref name="earliest"/>, site end), then prepares.</summary>
    public void Prepare(long earliest)
    {
        // A campaign longer than the time left is cut to nine tenths of it, so that it still starts at a
        // seeded moment rather than exactly at the earliest allowed instant.
        var available = Site.End - earliest;
        Length = Math.Min(NominalLength(available), available * 9 / 10);
        Start = earliest + Random.Micros(0, Math.Max(1, available - Length));
        PrepareTargets();
    }

    public abstract void Spawn(Scheduler scheduler);

    /// <summary>A realistic duration for this campaign given the time available.</summary>
    protected abstract long NominalLength(long available);

    protected abstract void PrepareTargets();

    protected LabelPattern Pattern(string protocol, Host source, int? sourcePort, Host destination, int? destinationPort, string description)
    {
        var p = new LabelPattern(Id, Attack, protocol, source, sourcePort, null, destination, destinationPort, description);
        Patterns.Add(p);
        return p;
    }

    protected LabelPattern Pattern(string protocol, Host source, int? sourcePort, string destinationPrefix, int? destinationPort, string description)
    {
        var p = new LabelPattern(Id, Attack, protocol, source, sourcePort, destinationPrefix, null, destinationPort, description);
        Patterns.Add(p);
        return p;
    }

    /// <summary>A BMC for this campaign, preferring one no other campaign has chosen.</summary>
    protected Bmc PickBmc()
    {
        // An untouched BMC if there is one; on a small site, one that the malicious flash (prepared first)
        // does not take down, or the campaign could fall into its outage and never reach the wire.
        var free = Site.Bmcs.Where(b => !Site.AttackTargets.Contains(b)).ToList();
        var up = Site.Bmcs.Where(b => !b.Outages.Any(o => o.Reason == OutageReason.AttackFirmwarePush)).ToList();
        var bmc = free.Count > 0 ? Random.Pick(free) : up.Count > 0 ? Random.Pick(up) : Random.Pick(Site.Bmcs);
        Site.AttackTargets.Add(bmc);
        return bmc;
    }

    /// <summary>A rogue device on the management VLAN: a free address, a laptop-ish MAC.</summary>
    protected Host NewLocalHost(string name, bool windows = false)
    {
        var mac = new byte[6];
        Random.NextBytes(mac);
        mac[0] = (byte)((mac[0] & 0xFC) | 0x00); // unicast, globally administered
        return Site.AddHost(name, Site.FreeLocalAddress(Random), mac, HostRole.Attacker, windows ? (byte)128 : (byte)64, windows);
    }

    /// <summary>An address in one of the documentation ranges (RFC 5737) standing for the Internet.</summary>
    protected Host NewOutsideHost(string name)
    {
        uint[] bases = [0xC0000200u, 0xC6336400u, 0xCB007100u]; // 192.0.2.0, 198.51.100.0, 203.0.113.0
        var ip = bases[Random.Next(bases.Length)] + (uint)Random.Next(2, 254);
        return Site.AddHost(name, ip, Site.Gateway.Mac, HostRole.Outside, 64);
    }

    /// <summary>A server in the host (production) network.</summary>
    protected Host NewHostNetworkHost(string name, bool windows = false) =>
        Site.AddHost(name, Site.HostNetworkAddress(Random), Site.Gateway.Mac, HostRole.HostNetwork, windows ? (byte)128 : (byte)64, windows);
}
