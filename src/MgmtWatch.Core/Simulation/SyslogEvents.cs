using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A BMC's own log traffic (threats.md baseline "syslog … event-driven, bursts at boot"): sensor and SEL
/// events at a few per hour, and a burst of start-up messages after every boot.
/// </summary>
internal static class SyslogEvents
{
    private static readonly string[] Events =
    [
        "SEL: Temperature sensor CPU1 Temp upper non-critical going high",
        "SEL: Temperature sensor CPU1 Temp upper non-critical going low",
        "SEL: Fan sensor FAN3 lower critical going low - asserted",
        "SEL: Fan sensor FAN3 lower critical going low - deasserted",
        "SEL: Power Supply PS2 status: AC lost",
        "SEL: Power Supply PS2 status: presence detected",
        "Session timeout for user on channel 1",
        "Time synchronized with NTP server",
        "Configuration backup completed",
        "Health status changed to OK",
    ];

    private static readonly string[] Boot =
    [
        "kernel: Linux version 4.14 booting",
        "kernel: eth0: link up, 1000Mbps, full-duplex",
        "systemd[1]: Started Network Time Synchronization.",
        "ipmid: IPMI LAN interface started on channel 1",
        "webserver: HTTPS server started on port 443",
        "sshd: Server listening on 0.0.0.0 port 22.",
        "snmpd: NET-SNMP version 5.9 started",
        "SEL: BMC firmware initialised",
    ];

    public static IEnumerable<long> Run(Wire w, Site site, Bmc bmc)
    {
        var r = RandomStreams.Create(site.TrafficSeed, "syslog/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var perHour = r.Uniform(0.2, 2.0);
        var t = site.Start + (long)(r.Exponential(1.0 / perHour) * SimTime.Hour);
        var previous = site.Start;
        while (t < site.End)
        {
            var outage = bmc.OutageSince(previous, t);
            if (outage is not null)
            {
                var b = outage.UpAt + r.Seconds(20, 60);
                var count = r.Next(5, Boot.Length + 1);
                for (var i = 0; i < count; i++)
                {
                    yield return SyslogClient.Send(w, site, bmc, b, i < 2 ? 0 : 3, 6, "boot", Boot[i]);
                    b += r.Micros(50_000, 800_000);
                }

                previous = outage.UpAt;
                t = b + (long)(r.Exponential(1.0 / perHour) * SimTime.Hour);
                continue;
            }

            if (bmc.IsUp(t))
            {
                var text = r.Pick(Events);
                yield return SyslogClient.Send(w, site, bmc, t, 3, text.StartsWith("SEL: Fan", StringComparison.Ordinal) ? 4 : 5, "bmc", text);
            }

            previous = t;
            t += (long)(r.Exponential(1.0 / perHour) * SimTime.Hour);
        }
    }
}
