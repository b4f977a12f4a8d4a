using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// One monitoring job polling one BMC over IPMI (threats.md baseline): ipmi_exporter scrapes on a fixed
/// interval with one FreeIPMI session per collector; Nagios checks drift by a few seconds; Zabbix keeps
/// one OpenIPMI session open and reads its items every minute; an ipmitool cron loop starts on the
/// five-minute boundary and reaches each BMC in turn. Polls are occasionally missed, and a restart of the
/// poller shifts the schedule.
/// </summary>
internal static class IpmiPolling
{
    public static IEnumerable<long> Run(Wire w, Site site, PollJob job, int jobIndex, Bmc bmc)
    {
        var schedule = RandomStreams.Create(site.TrafficSeed, "ipmi/" + jobIndex.ToString(CultureInfo.InvariantCulture) + "/" + bmc.Index.ToString(CultureInfo.InvariantCulture));
        var period = job.Period;
        var suite = job.PrefersSuite17 && bmc.SupportsSuite17 ? 17 : 3;
        var style = job.Software switch
        {
            PollSoftware.ZabbixIpmi => IpmiClientStyle.OpenIpmi,
            PollSoftware.IpmitoolCron => IpmiClientStyle.Ipmitool,
            _ => IpmiClientStyle.FreeIpmi,
        };

        // Prometheus spreads targets over the interval by a hash of the target; Nagios and Zabbix likewise.
        var offset = schedule.Micros(0, period);
        var t = job.Software == PollSoftware.IpmitoolCron ? CronSlot(site.Start, period, bmc, schedule) : site.Start + offset;
        var restart = 0;
        IpmiSession? persistent = null;
        var persistentPort = job.Poller.EphemeralPort(schedule);
        var lastPoll = site.Start;
        var zabbixItems = 4 + (bmc.Index % 9);

        while (t < site.End)
        {
            if (restart < job.Restarts.Count && job.Restarts[restart] <= t)
            {
                // The poller restarted: a gap, then the schedule resumes with a new phase.
                var at = job.Restarts[restart++];
                offset = schedule.Micros(0, period);
                t = job.Software == PollSoftware.IpmitoolCron ? CronSlot(at + schedule.Seconds(20, 90), period, bmc, schedule) : at + schedule.Seconds(20, 90) + offset;
                persistent?.Dispose();
                persistent = null;
                persistentPort = job.Poller.EphemeralPort(schedule);
                continue;
            }

            // Each poll draws from its own stream: a poll that meets a BMC outage changes no other poll.
            var r = new Random(schedule.Next());
            if (schedule.Chance(0.003))
            {
                // A missed poll (the poller was busy, the scrape timed out upstream).
                t = Next(job, t, period, bmc, schedule);
                continue;
            }

            long end;
            switch (job.Software)
            {
                case PollSoftware.IpmiExporter:
                    end = t;
                    foreach (var collector in job.Collectors)
                    {
                        using var session = NewSession(site, job, bmc, style, suite, Commands(collector, bmc), job.Poller.EphemeralPort(r));
                        foreach (var x in session.Run(w, r, end))
                        {
                            yield return x;
                        }

                        end = session.EndTime + r.Micros(500, 5_000);
                        if (!session.Established)
                        {
                            break;
                        }
                    }

                    break;

                case PollSoftware.ZabbixIpmi:
                    var reads = new List<IpmiCommand>();
                    for (var i = 0; i < zabbixItems; i++)
                    {
                        reads.Add(IpmiCommands.GetSensorReading((byte)(1 + ((i * 7) % bmc.SensorCount))));
                    }

                    if (persistent is not null && bmc.OutageSince(lastPoll, t) is null)
                    {
                        foreach (var x in persistent.Continue(w, r, t, reads, close: false))
                        {
                            yield return x;
                        }

                        end = persistent.EndTime;
                    }
                    else
                    {
                        // OpenIPMI keeps its UDP socket: a re-established session reuses the source port.
                        persistent?.Dispose();
                        persistent = NewSession(site, job, bmc, style, suite, reads, persistentPort, keepOpen: true);
                        foreach (var x in persistent.Run(w, r, t))
                        {
                            yield return x;
                        }

                        end = persistent.EndTime;
                        if (!persistent.Established)
                        {
                            persistent.Dispose();
                            persistent = null;
                        }
                    }

                    break;

                case PollSoftware.IpmitoolCron:
                    {
                        using var cron = NewSession(site, job, bmc, style, suite, job.Heavy ? IpmiCommands.SdrList(bmc) : [IpmiCommands.GetChassisStatus(), IpmiCommands.GetSelInfo()], job.Poller.EphemeralPort(r));
                        foreach (var x in cron.Run(w, r, t))
                        {
                            yield return x;
                        }

                        end = cron.EndTime;
                        break;
                    }

                default:
                    {
                        using var check = NewSession(site, job, bmc, style, suite, IpmiCommands.SensorScan(bmc, bmc.SensorCount), job.Poller.EphemeralPort(r));
                        foreach (var x in check.Run(w, r, t))
                        {
                            yield return x;
                        }

                        end = check.EndTime;
                        break;
                    }
            }

            lastPoll = t;
            t = Math.Max(Next(job, t, period, bmc, schedule), end + SimTime.Second);
        }
    }

    private static IpmiSession NewSession(Site site, PollJob job, Bmc bmc, IpmiClientStyle style, int suite, IReadOnlyList<IpmiCommand> commands, ushort port, bool keepOpen = false) => new()
    {
        Site = site,
        Console = job.Poller,
        ConsolePort = port,
        Bmc = bmc,
        Style = style,
        User = job.User,
        Password = job.Password,
        Role = job.Role,
        Suite = suite,
        Commands = commands,
        KeepOpen = keepOpen,
        LossRate = bmc.Slow ? 0.02 : 0.002,
    };

    private static List<IpmiCommand> Commands(string collector, Bmc bmc) => collector switch
    {
        "ipmi" => IpmiCommands.SensorScan(bmc, bmc.SensorCount),
        "bmc" => [IpmiCommands.GetDeviceId()],
        "chassis" => [IpmiCommands.GetChassisStatus()],
        "dcmi" => [IpmiCommands.DcmiPowerReading()],
        _ => [IpmiCommands.GetSelInfo()],
    };

    private static long Next(PollJob job, long t, long period, Bmc bmc, Random r) => job.Software switch
    {
        // Prometheus: exact interval, sub-millisecond scheduling noise.
        PollSoftware.IpmiExporter => t + period + r.Micros(-500, 500),

        // Nagios/Icinga: the scheduler drifts by a few seconds.
        PollSoftware.NagiosIpmi => t + period + SimTime.FromSeconds(Math.Clamp(r.Normal(0, 2.0), -8, 8)),
        PollSoftware.IpmitoolCron => CronSlot(t + SimTime.Minute, period, bmc, r),
        _ => t + period + r.Micros(-20_000, 20_000),
    };

    /// <summary>The next cron boundary after <paramref name="t"/>, plus this BMC's place in the sequential loop.</summary>
    private static long CronSlot(long t, long period, Bmc bmc, Random r)
    {
        var boundary = ((t / period) + 1) * period;

        // cron starts the job ~1 s after the minute; each BMC before this one took ~0.8–1.5 s.
        return boundary + r.Micros(800_000, 1_200_000) + (bmc.Index * 1_100_000L) + r.Micros(0, 200_000);
    }
}
