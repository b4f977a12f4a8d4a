using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A BMC on DHCP (RFC 2131 §4.4): unicast renewal at T1 (half the lease) to the server, and the full
/// DISCOVER/OFFER/REQUEST/ACK exchange at boot, broadcast on the VLAN (answered by the server, or by the
/// router relaying for a server elsewhere).
/// </summary>
internal static class DhcpClient
{
    public static IEnumerable<long> Run(Wire w, Site site, Bmc bmc)
    {
        if (!bmc.Dhcp)
        {
            yield break;
        }

        var r = RandomStreams.Create(site.TrafficSeed, "dhcp/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var server = site.DhcpServer;
        var replier = server.Local ? server : site.Gateway;
        var relay = server.Local ? 0u : site.Gateway.Ip;
        var t1 = site.DhcpLease / 2;
        var t = site.Start + r.Micros(0, t1);
        var previous = site.Start;
        while (t < site.End)
        {
            var outage = bmc.OutageSince(previous, t);
            if (outage is not null)
            {
                var xid = (uint)r.NextInt64(0, uint.MaxValue);
                var d = outage.UpAt + r.Seconds(1, 3);
                var steps = new (byte Type, bool FromClient, long Gap)[]
                {
                    (DhcpMessages.Discover, true, 0), (DhcpMessages.Offer, false, r.Micros(1_000, 20_000)),
                    (DhcpMessages.Request, true, r.Micros(1_000, 10_000)), (DhcpMessages.Ack, false, r.Micros(1_000, 20_000)),
                };
                foreach (var (type, fromClient, gap) in steps)
                {
                    d += gap;
                    var n = DhcpMessages.Build(w.UdpPayload, type, xid, bmc.Mac, 0, fromClient ? 0 : bmc.Ip, server.Ip, relay, type == DhcpMessages.Request ? bmc.Ip : 0, bmc.Name, site, broadcast: true);
                    yield return fromClient
                        ? w.UdpRaw(d, bmc.Mac, 0, 64, 68, null, 0xFFFF_FFFF, 67, n)
                        : w.UdpRaw(d, replier.Mac, replier.Ip, replier.InitialTtl, 67, null, 0xFFFF_FFFF, 68, n);
                }

                previous = outage.UpAt;
                t = d + t1;
                continue;
            }

            if (bmc.IsUp(t))
            {
                var xid = (uint)r.NextInt64(0, uint.MaxValue);
                var n = DhcpMessages.Build(w.UdpPayload, DhcpMessages.Request, xid, bmc.Mac, bmc.Ip, 0, 0, 0, 0, bmc.Name, site, broadcast: false);
                yield return w.Udp(t, bmc, 68, server, 67, n);
                var at = t + r.Micros(500, 5_000) + (server.Local ? 0 : r.Micros(200, 600));
                n = DhcpMessages.Build(w.UdpPayload, DhcpMessages.Ack, xid, bmc.Mac, bmc.Ip, bmc.Ip, server.Ip, 0, 0, bmc.Name, site, broadcast: false);
                yield return w.Udp(at, server, 67, bmc, 68, n);
            }

            previous = t;
            t += t1;
        }
    }
}
