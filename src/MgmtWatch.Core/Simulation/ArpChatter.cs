using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// ARP around a BMC (RFC 826; threats.md baseline "ARP refresh every few minutes, gratuitous ARP at
/// boot"): a neighbour that talks to the BMC revalidates its entry by unicast request every few minutes;
/// the BMC refreshes its router entry; after a boot it announces itself twice (RFC 5227 §2.3).
/// </summary>
internal static class ArpChatter
{
    public static IEnumerable<long> Run(Wire w, Site site, Bmc bmc)
    {
        var r = RandomStreams.Create(site.TrafficSeed, "arp/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        Host peer = site.Gateway;
        foreach (var p in site.Pollers)
        {
            if (p.Local)
            {
                peer = p;
                break;
            }
        }

        var t = site.Start + r.Micros(0, 300 * SimTime.Second);
        var previous = site.Start;
        while (t < site.End)
        {
            var outage = bmc.OutageSince(previous, t);
            if (outage is not null)
            {
                var at = outage.UpAt + (bmc.Dhcp ? r.Seconds(3, 6) : r.Seconds(0.5, 2));
                for (var i = 0; i < 2; i++)
                {
                    yield return w.Arp(at, reply: false, bmc.Mac, bmc.Ip, null, bmc.Ip, null);
                    at += r.Micros(1_000_000, 2_000_000);
                }

                previous = outage.UpAt;
                t = at + r.Seconds(60, 600);
                continue;
            }

            if (bmc.IsUp(t))
            {
                if (r.Chance(0.7))
                {
                    yield return w.Arp(t, reply: false, peer.Mac, peer.Ip, null, bmc.Ip, bmc.Mac);
                    yield return w.Arp(t + r.Micros(100, 2_000), reply: true, bmc.Mac, bmc.Ip, peer.Mac, peer.Ip, peer.Mac);
                }
                else
                {
                    var gw = site.Gateway;
                    yield return w.Arp(t, reply: false, bmc.Mac, bmc.Ip, null, gw.Ip, gw.Mac);
                    yield return w.Arp(t + r.Micros(200, 3_000), reply: true, gw.Mac, gw.Ip, bmc.Mac, bmc.Ip, bmc.Mac);
                }
            }

            previous = t;
            t += r.Seconds(60, 600);
        }
    }
}
