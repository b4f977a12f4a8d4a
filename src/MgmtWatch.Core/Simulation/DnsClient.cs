using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A BMC resolving the names it is configured with (NTP, syslog, trap receiver, LDAP servers): a lookup
/// when the cached answer expires and the name is next needed, all of them shortly after boot
/// (threats.md baseline "a few queries per hour, burst at boot"). OpenBMC's glibc asks for AAAA too.
/// </summary>
internal static class DnsClient
{
    public static IEnumerable<long> Run(Wire w, Site site, Bmc bmc)
    {
        if (!bmc.UsesDns)
        {
            yield break;
        }

        var r = RandomStreams.Create(site.TrafficSeed, "dns/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var names = new List<Host>(site.NtpServers) { site.Syslog };
        if (site.TrapReceiver.Role == HostRole.TrapReceiver)
        {
            names.Add(site.TrapReceiver);
        }

        if (site.Ldap is not null)
        {
            names.Add(site.Ldap);
        }

        var ttl = site.DnsTtl * SimTime.Second;
        var next = new long[names.Count];
        for (var i = 0; i < next.Length; i++)
        {
            next[i] = site.Start + r.Micros(0, ttl + (10 * SimTime.Minute));
        }

        var query = new byte[512];
        var answer = new byte[512];
        var exchange = new UdpExchange();
        var previous = site.Start;
        while (true)
        {
            var i = 0;
            for (var k = 1; k < next.Length; k++)
            {
                if (next[k] < next[i])
                {
                    i = k;
                }
            }

            var t = next[i];
            if (t >= site.End)
            {
                yield break;
            }

            var outage = bmc.OutageSince(previous, t);
            if (outage is not null)
            {
                // Boot: every name is looked up as the services start.
                var boot = outage.UpAt + r.Seconds(10, 30);
                for (var k = 0; k < next.Length; k++)
                {
                    next[k] = boot + r.Micros(0, 3 * SimTime.Second);
                }

                previous = outage.UpAt;
                continue;
            }

            var host = names[i];
            var fqdn = host.Fqdn(site.Domain);
            var types = bmc.Vendor == BmcVendor.OpenBmc ? new[] { DnsMessages.A, DnsMessages.Aaaa } : [DnsMessages.A];
            var port = bmc.EphemeralPort(r);
            foreach (var type in types)
            {
                var ql = DnsMessages.Query(query, (ushort)r.Next(65536), fqdn, type);
                var al = type == DnsMessages.A
                    ? DnsMessages.Response(answer, query, ql, type, site.DnsTtl, DnsMessages.AData(host.Ip))
                    : DnsMessages.Response(answer, query, ql, type, 0, []);
                var q = query.AsMemory(0, ql).ToArray();
                var a = answer.AsMemory(0, al).ToArray();
                foreach (var x in exchange.Run(w, site, r, bmc, port, site.Dns, 53, q, () => a, t, 0.4, 5 * SimTime.Second, 2))
                {
                    yield return x;
                }

                t = exchange.Now + r.Micros(50, 400);
            }

            previous = t;

            // The answer is cached for its TTL; the name is needed again some time after that.
            next[i] = t + ttl + r.Micros(0, 15 * SimTime.Minute);
        }
    }
}
