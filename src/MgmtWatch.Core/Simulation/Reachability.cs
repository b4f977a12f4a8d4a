namespace MgmtWatch.Core.Simulation;

/// <summary>
/// What a sender does when its peer has been gone for a while: neighbours drop a dead host's ARP entry
/// after about 30 s (Linux base_reachable_time plus probes), and from then on the sender's IP packets are
/// never transmitted; the capture shows unanswered ARP requests instead (from the router, for routed senders).
/// </summary>
internal static class Reachability
{
    /// <summary>How long a neighbour entry outlives its host (Linux: reachable 30 s, then stale and probed).</summary>
    public const long NeighbourTimeout = 30 * SimTime.Second;

    /// <summary>True when packets to <paramref name="bmc"/> at <paramref name="time"/> turn into ARP requests.</summary>
    public static bool ArpFailing(Bmc bmc, long time)
    {
        foreach (var o in bmc.Outages)
        {
            if (time >= o.DownAt + NeighbourTimeout && time < o.UpAt)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ARP request the sender (or the router) broadcasts for <paramref name="target"/>.</summary>
    public static long ArpRequest(Wire wire, Site site, Host sender, Host target, long time)
    {
        var asker = sender.Local ? sender : site.Gateway;
        return wire.Arp(time, reply: false, asker.Mac, asker.Ip, null, target.Ip, null);
    }
}
