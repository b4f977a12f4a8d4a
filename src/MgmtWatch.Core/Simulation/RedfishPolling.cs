using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Redfish inventory/telemetry over HTTPS (DMTF DSP0266; threats.md baseline): every 5–15 minutes a
/// collector resolves the BMC's name (if it uses names), opens one TLS connection (SNI only when it
/// connects by name), creates a session (POST SessionService/Sessions), reads a handful of resources
/// and deletes the session. BMC web servers are slow: hundreds of milliseconds per request.
/// </summary>
internal static class RedfishPolling
{
    /// <summary>Typical response sizes (bytes of JSON) of the resources a collector reads.</summary>
    private static readonly (int Min, int Max)[] Resources = [(1_500, 3_000), (3_000, 7_000), (4_000, 12_000), (2_000, 6_000), (1_500, 4_000)];

    public static IEnumerable<long> Run(Wire w, Site site, PollJob job, int jobIndex, Bmc bmc)
    {
        var schedule = RandomStreams.Create(site.TrafficSeed, "redfish/" + jobIndex.ToString(CultureInfo.InvariantCulture) + "/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var profile = jobIndex % 2 == 0 ? TlsClientProfile.Python : TlsClientProfile.Go;
        // Which resources the poller reads from this BMC is its configuration, not chance of the window.
        var resources = RandomStreams.Create(site.Seed, "site/redfish/" + jobIndex.ToString(CultureInfo.InvariantCulture) + "/" + bmc.Index.ToString(CultureInfo.InvariantCulture)).Next(2, Resources.Length + 1);
        var t = site.Start + schedule.Micros(0, job.Period);
        var restart = 0;
        var dns = new UdpExchange();
        var query = new byte[300];
        var answer = new byte[300];
        while (t < site.End)
        {
            if (restart < job.Restarts.Count && job.Restarts[restart] <= t)
            {
                t = job.Restarts[restart++] + schedule.Seconds(20, 90) + schedule.Micros(0, job.Period);
                continue;
            }

            // Each poll draws from its own stream: a poll that meets a BMC outage changes no other poll.
            var r = new Random(schedule.Next());

            if (job.UsesNames)
            {
                var fqdn = bmc.Fqdn(site.Domain);
                var id = (ushort)r.Next(65536);
                var ql = DnsMessages.Query(query, id, fqdn, DnsMessages.A);
                var al = DnsMessages.Response(answer, query, ql, DnsMessages.A, 3600, DnsMessages.AData(bmc.Ip));
                var qa = query.AsMemory(0, ql).ToArray();
                var aa = answer.AsMemory(0, al).ToArray();
                foreach (var x in dns.Run(w, site, r, job.Poller, job.Poller.EphemeralPort(r), site.Dns, 53, qa, () => aa, t, 0.3, 5 * SimTime.Second, 1))
                {
                    yield return x;
                }

                t = dns.Now + r.Micros(100, 600);
            }

            var tcp = new TcpConnection(job.Poller, job.Poller.EphemeralPort(r), bmc, 443, r);
            foreach (var x in tcp.Open(w, r, t, bmc.IsUp, 10 * SimTime.Second, site: site))
            {
                yield return x;
            }

            if (tcp.Established)
            {
                var tls = new TlsSession(tcp);
                var work = (long)(bmc.ProcessingMs * r.Uniform(3, 8) * SimTime.Millisecond);
                foreach (var x in tls.Handshake(w, r, profile, job.UsesNames ? bmc.Fqdn(site.Domain) : null, ServerKeys.Certificate(site, bmc, tcp.Now), bmc.TlsMaxVersion, tcp.Now + r.Micros(100, 500), work))
                {
                    yield return x;
                }

                // POST SessionService/Sessions, the GETs, DELETE the session.
                var steps = new List<(int Request, int Response)> { (r.Next(180, 260), r.Next(500, 900)) };
                for (var i = 0; i < resources; i++)
                {
                    steps.Add((r.Next(150, 300), r.Next(Resources[i].Min, Resources[i].Max)));
                }

                steps.Add((r.Next(200, 280), r.Next(90, 160)));
                foreach (var (request, response) in steps)
                {
                    if (!bmc.IsUp(tcp.Now))
                    {
                        break;
                    }

                    foreach (var x in tls.Exchange(w, r, request, response, tcp.Now + r.Micros(200, 2_000), (long)(r.LogNormal(150, 0.6) * SimTime.Millisecond * (bmc.ProcessingMs / 6))))
                    {
                        yield return x;
                    }
                }

                if (bmc.IsUp(tcp.Now))
                {
                    foreach (var x in tls.Close(w, r, tcp.Now + r.Micros(500, 5_000)))
                    {
                        yield return x;
                    }
                }
            }

            t = Math.Max(t + job.Period + schedule.Micros(-30 * SimTime.Second, 30 * SimTime.Second), tcp.Now + SimTime.Second);
        }
    }
}
