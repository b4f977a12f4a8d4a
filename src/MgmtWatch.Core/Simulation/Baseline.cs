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
                    default:
                        break;
                }
            }
        }

        foreach (var bmc in site.Bmcs)
        {
            scheduler.Spawn(w => NtpClient.Run(w, site, bmc));
        }
    }
}
