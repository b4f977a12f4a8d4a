using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// An NMS polling one BMC over SNMP (threats.md baseline): v2c LibreNMS/Cacti-style polls every five
/// minutes (system group, GetBulk walks of the interface table and the vendor's sensor table), or
/// Zabbix-style SNMPv3 gets every minute after USM engine discovery (RFC 3414 §4), repeated after the
/// BMC reboots and its engine boots counter changes.
/// </summary>
internal static class SnmpPolling
{
    public static IEnumerable<long> Run(Wire w, Site site, PollJob job, int jobIndex, Bmc bmc)
    {
        var schedule = RandomStreams.Create(site.TrafficSeed, "snmp/" + jobIndex.ToString(CultureInfo.InvariantCulture) + "/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var period = job.Period;
        var v3 = job.Software == PollSoftware.SnmpV3;

        // LibreNMS' poller wrapper starts every five minutes and works through devices in order.
        var t = v3 ? site.Start + schedule.Micros(0, period) : Boundary(site.Start, period) + (bmc.Index * 700_000L) + schedule.Micros(0, 2_000_000);
        var requestId = schedule.Next(1, int.MaxValue / 2);
        var messageId = schedule.Next(1, int.MaxValue / 2);
        var discovered = false;
        var previous = site.Start;
        var restart = 0;
        var exchange = new UdpExchange();
        var vendorTable = VendorTable(bmc.Vendor);
        var firstBoot = site.Start - (schedule.Next(1, 90) * SimTime.Day) - schedule.Micros(0, SimTime.Day);
        while (t < site.End)
        {
            if (restart < job.Restarts.Count && job.Restarts[restart] <= t)
            {
                t = job.Restarts[restart++] + schedule.Seconds(20, 90) + schedule.Micros(0, period);
                discovered = false;
                continue;
            }

            // Each poll draws from its own stream: a poll that meets a BMC outage changes no other poll.
            var r = new Random(schedule.Next());

            if (bmc.OutageSince(previous, t) is not null)
            {
                discovered = false; // the engine boots counter changed: re-discover (notInTimeWindow otherwise)
            }

            // net-snmp keeps one socket per session; a poll opens a new session, so a new port.
            var port = job.Poller.EphemeralPort(r);
            if (v3)
            {
                var boots = 3 + bmc.Index % 7 + CountOutages(bmc, t);
                var engineTime = (int)((t - LastBoot(bmc, t, firstBoot)) / SimTime.Second);
                if (!discovered)
                {
                    var probe = SnmpMessages.V3(messageId++, 0x04, [], 0, 0, "", [], [], [], SnmpMessages.GetRequest, requestId++, [], r);
                    var report = SnmpMessages.V3(messageId - 1, 0x00, bmc.SnmpEngineId, boots, engineTime, "", [], [], bmc.SnmpEngineId, SnmpMessages.Report, requestId - 1, [(SnmpMessages.UsmStatsUnknownEngineIds, SnmpValue.Counter32(r.Next(1, 400)))], r);
                    foreach (var x in exchange.Run(w, site, r, job.Poller, port, bmc, 161, probe, () => report, t, bmc.ProcessingMs, SimTime.Second, 2))
                    {
                        yield return x;
                    }

                    if (exchange.Answered)
                    {
                        discovered = true;
                        t = exchange.Now + r.Micros(200, 800);
                    }
                }

                if (discovered)
                {
                    var flags = job.Privacy ? 0x07 : 0x05;
                    var oids = new List<(string, SnmpValue)>();
                    var results = new List<(string, SnmpValue)>();
                    var items = 1 + (bmc.Index % 3);
                    for (var i = 0; i < items; i++)
                    {
                        var oid = vendorTable + "." + (i + 1).ToString(CultureInfo.InvariantCulture);
                        oids.Add((oid, SnmpValue.Null));
                        results.Add((oid, SnmpValue.Integer(r.Next(20, 75))));
                    }

                    var auth = new byte[12];
                    r.NextBytes(auth);
                    byte[] salt = job.Privacy ? new byte[8] : [];
                    r.NextBytes(salt);
                    var get = SnmpMessages.V3(messageId++, flags, bmc.SnmpEngineId, boots, engineTime, job.User, auth, salt, bmc.SnmpEngineId, SnmpMessages.GetRequest, requestId++, oids, r);
                    var authReply = new byte[12];
                    r.NextBytes(authReply);
                    var response = SnmpMessages.V3(messageId - 1, flags & 0x03, bmc.SnmpEngineId, boots, engineTime, job.User, authReply, salt, bmc.SnmpEngineId, SnmpMessages.Response, requestId - 1, results, r);
                    foreach (var x in exchange.Run(w, site, r, job.Poller, port, bmc, 161, get, () => response, t, bmc.ProcessingMs, SimTime.Second, 2))
                    {
                        yield return x;
                    }
                }
            }
            else
            {
                foreach (var (request, response) in V2cPoll(job, bmc, r, vendorTable, () => requestId++))
                {
                    foreach (var x in exchange.Run(w, site, r, job.Poller, port, bmc, 161, request, () => response, t, bmc.ProcessingMs * 1.5, SimTime.Second, 3))
                    {
                        yield return x;
                    }

                    if (!exchange.Answered)
                    {
                        break;
                    }

                    t = exchange.Now + r.Micros(300, 3_000);
                }
            }

            previous = t;
            var next = v3 ? t + period + schedule.Micros(-50_000, 50_000) : Boundary(t, period) + (bmc.Index * 700_000L) + schedule.Micros(0, 2_000_000);
            t = Math.Max(next, exchange.Now + SimTime.Second);
        }
    }

    private static IEnumerable<(byte[] Request, byte[] Response)> V2cPoll(PollJob job, Bmc bmc, Random r, string vendorTable, Func<int> nextId)
    {
        var uptime = r.NextInt64(100_000, 4_000_000_000);
        var id = nextId();
        yield return (
            SnmpMessages.Community(1, job.Community, SnmpMessages.GetRequest, id, [(SnmpMessages.SysUpTime, SnmpValue.Null), ("1.3.6.1.2.1.1.5.0", SnmpValue.Null)]),
            SnmpMessages.Community(1, job.Community, SnmpMessages.Response, id, [(SnmpMessages.SysUpTime, SnmpValue.TimeTicks(uptime)), ("1.3.6.1.2.1.1.5.0", SnmpValue.Text(bmc.Name))]));

        // ifTable columns for the BMC's one or two interfaces (ifDescr … ifOutOctets).
        foreach (var column in new[] { 2, 8, 10, 16 })
        {
            id = nextId();
            var baseOid = "1.3.6.1.2.1.2.2.1." + column.ToString(CultureInfo.InvariantCulture);
            var values = new List<(string, SnmpValue)>();
            for (var i = 1; i <= 2; i++)
            {
                var oid = baseOid + "." + i.ToString(CultureInfo.InvariantCulture);
                values.Add((oid, column switch
                {
                    2 => SnmpValue.Text(i == 1 ? "eth0" : "lo"),
                    8 => SnmpValue.Integer(1),
                    _ => SnmpValue.Counter32(r.NextInt64(0, uint.MaxValue)),
                }));
            }

            yield return (
                SnmpMessages.Community(1, job.Community, SnmpMessages.GetBulkRequest, id, [(baseOid, SnmpValue.Null)], 0, 10),
                SnmpMessages.Community(1, job.Community, SnmpMessages.Response, id, values));
        }

        // The vendor's sensor table in one or two GetBulk rounds of up to 20 rows.
        var sensors = Math.Min(bmc.SensorCount, 40);
        for (var start = 0; start < sensors; start += 20)
        {
            id = nextId();
            var values = new List<(string, SnmpValue)>();
            for (var i = start; i < Math.Min(sensors, start + 20); i++)
            {
                values.Add((vendorTable + "." + (i + 1).ToString(CultureInfo.InvariantCulture), SnmpValue.Integer(r.Next(18, 90) * 10)));
            }

            var from = start == 0 ? vendorTable : vendorTable + "." + start.ToString(CultureInfo.InvariantCulture);
            yield return (
                SnmpMessages.Community(1, job.Community, SnmpMessages.GetBulkRequest, id, [(from, SnmpValue.Null)], 0, 20),
                SnmpMessages.Community(1, job.Community, SnmpMessages.Response, id, values));
        }
    }

    /// <summary>Sensor reading columns of the vendors' MIBs (iDRAC, iLO, XCC, Supermicro, net-snmp lmSensors).</summary>
    private static string VendorTable(BmcVendor vendor) => vendor switch
    {
        BmcVendor.Dell => "1.3.6.1.4.1.674.10892.5.4.700.20.1.6.1",
        BmcVendor.Hpe => "1.3.6.1.4.1.232.6.2.6.8.1.4.1",
        BmcVendor.Lenovo => "1.3.6.1.4.1.19046.11.1.1.1.2.1.3",
        BmcVendor.Supermicro => "1.3.6.1.4.1.21317.1.3.1.2",
        _ => "1.3.6.1.4.1.2021.13.16.2.1.3",
    };

    private static long Boundary(long t, long period) => ((t / period) + 1) * period;

    private static int CountOutages(Bmc bmc, long t)
    {
        var n = 0;
        foreach (var o in bmc.Outages)
        {
            if (o.UpAt <= t)
            {
                n++;
            }
        }

        return n;
    }

    private static long LastBoot(Bmc bmc, long t, long fallback)
    {
        var last = fallback;
        foreach (var o in bmc.Outages)
        {
            if (o.UpAt <= t)
            {
                last = o.UpAt;
            }
        }

        return last;
    }
}
