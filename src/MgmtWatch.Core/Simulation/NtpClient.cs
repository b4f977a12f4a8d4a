using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A BMC's time synchronisation: ntpd-style polling from port 123 (or an SNTP client's ephemeral port)
/// every 2^k seconds (k = 6…10), and after every boot an iburst of packets 2 s apart, then 64 s polls
/// that lengthen as the clock settles (RFC 5905 §13; threats.md baseline).
/// </summary>
internal static class NtpClient
{
    public static IEnumerable<long> Run(Wire w, Site site, Bmc bmc)
    {
        // The server and poll interval are the BMC's configuration, the same in every window of the site;
        // when it polls is what happens, and differs from one window to the next.
        var config = RandomStreams.Create(site.Seed, "site/ntp/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var server = site.NtpServers[config.Next(site.NtpServers.Count)];
        var steady = config.Next(6, 11);
        var exponent = steady;
        var upstream = 0xC0000200u | (uint)config.Next(1, 254); // a stratum-1 server's address as reference ID
        var r = RandomStreams.Create(site.TrafficSeed, "ntp/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var t = site.Start + r.Micros(0, (1L << steady) * SimTime.Second);
        var previous = site.Start;
        var burst = 0;
        var settled = 0;
        var request = new byte[48];
        while (t < site.End)
        {
            var outage = bmc.OutageSince(previous, t);
            if (outage is not null)
            {
                // Rebooted: ntpd starts with an iburst once the network is up, then polls at 64 s.
                t = outage.UpAt + r.Seconds(15, 45);
                burst = r.Chance(0.5) ? 8 : 4;
                exponent = 6;
                settled = 0;
                previous = outage.UpAt;
                continue;
            }

            var port = bmc.NtpFromPort123 ? (ushort)123 : bmc.EphemeralPort(r);
            NtpMessages.Client(request, t, (byte)exponent, burst == 0, SimTime.NtpTimestamp(t - r.Micros(0, (1L << exponent) * SimTime.Second)));
            yield return w.Udp(t, bmc, port, server, 123, request);
            var reply = t + r.Micros(200, 900) + (server.Local ? 0 : r.Micros(200, 500));
            if (r.Chance(0.998))
            {
                NtpMessages.Server(w.UdpPayload, request, reply - 30, reply, upstream);
                yield return w.Udp(reply, server, 123, bmc, port, 48);
            }

            previous = t;
            if (burst > 1)
            {
                burst--;
                t += 2 * SimTime.Second + r.Micros(0, 20_000);
                continue;
            }

            burst = 0;
            if (exponent < steady && ++settled >= 4)
            {
                exponent++;
                settled = 0;
            }

            t += (long)((1L << exponent) * SimTime.Second * r.Uniform(0.98, 1.02));
        }
    }
}
