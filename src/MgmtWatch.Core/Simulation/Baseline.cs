namespace MgmtWatch.Core.Simulation;

/// <summary>Starts every normal behaviour of a site.</summary>
internal static class Baseline
{
    public static void Spawn(Site site, Scheduler scheduler)
    {
        for (var j = 0; j < site.Jobs.Count; j++)
        {
            var job = site.Jobs[j];
            var jobIndex = j;
            foreach (var bmc in site.Bmcs)
            {
                switch (job.Software)
                {
                    case PollSoftware.IpmiExporter or PollSoftware.NagiosIpmi or PollSoftware.ZabbixIpmi or PollSoftware.IpmitoolCron:
                        scheduler.Spawn(w => IpmiPolling.Run(w, site, job, jobIndex, bmc));
                        break;
                    case PollSoftware.SnmpV2c or PollSoftware.SnmpV3:
                        scheduler.Spawn(w => SnmpPolling.Run(w, site, job, jobIndex, bmc));
                        break;
                    default:
                        scheduler.Spawn(w => RedfishPolling.Run(w, site, job, jobIndex, bmc));
                        break;
                }
            }
        }

        foreach (var bmc in site.Bmcs)
        {
            scheduler.Spawn(w => NtpClient.Run(w, site, bmc));
            scheduler.Spawn(w => DnsClient.Run(w, site, bmc));
            scheduler.Spawn(w => DhcpClient.Run(w, site, bmc));
            scheduler.Spawn(w => SyslogEvents.Run(w, site, bmc));
            scheduler.Spawn(w => TrapSender.Run(w, site, bmc));
            scheduler.Spawn(w => ArpChatter.Run(w, site, bmc));
        }

        // A behaviour waits in the queue until its first frame is due, so planned sessions start now.
        foreach (var session in site.AdminPlan)
        {
            scheduler.Spawn(w => AdminActivity.Run(w, scheduler, site, session));
        }
    }
}
