namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A firmware image pushed to a BMC from a host that is not an admin jump host, outside the change
/// window (threats.md §14, S11): a long HTTPS upload with the BMC's local administrator account, then
/// the BMC goes silent while it flashes and comes back with the boot pattern (gratuitous ARP, DHCP, NTP
/// burst, coldStart trap, syslog burst) and new keys. The reboot traffic is the BMC's normal boot
/// behaviour and is not labelled; the upload is, and so are the first TLS and SSH handshakes that show the
/// new keys (<see cref="Reflash"/>).
/// </summary>
internal sealed class FirmwarePushUnusual(Site site) : Campaign(site, "firmware-push-unusual")
{
    private AdminSession _session = null!;
    private LabelPattern _pattern = null!;
    private long _bytes;

    protected override long NominalLength(long available)
    {
        _bytes = (long)(Random.Uniform(16, 48) * 1_048_576 * Site.BulkScale);
        return SimTime.FromSeconds(_bytes / AdminPlanner.UploadRate) + (15 * SimTime.Minute);
    }

    protected override void PrepareTargets()
    {
        var host = Random.Chance(0.5) ? NewHostNetworkHost("build-server") : NewLocalHost("unknown-laptop", windows: true);

        // A start outside the change window, on a BMC with nothing else planned around it.
        var start = Start;
        var candidates = Site.Bmcs.Where(b => !Site.AttackTargets.Contains(b)).ToList();
        if (candidates.Count == 0)
        {
            candidates = [.. Site.Bmcs];
        }

        Bmc bmc = Random.Pick(candidates);
        var upload = SimTime.FromSeconds(_bytes / AdminPlanner.UploadRate) + Random.Seconds(5, 15);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            bmc = Random.Pick(candidates);
            if (!Site.IsChangeWindow(start) && !bmc.OutageOverlaps(start - (10 * SimTime.Minute), start + upload + (20 * SimTime.Minute)) && !Busy(bmc, start))
            {
                break;
            }

            start = Start + Random.Micros(-Math.Min(Start - Site.Start, SimTime.Hour) / 2, SimTime.Hour / 2);
        }

        Site.AttackTargets.Add(bmc);
        var down = start + upload + Random.Seconds(5, 30);
        var up = down + Random.Seconds(60, 600);
        bmc.AddOutage(new Outage(down, up, OutageReason.AttackFirmwarePush));
        _session = new AdminSession(start, upload, host, bmc, AdminSessionKind.FirmwareUpdate, bmc.Users[0].User, -2 - AttackCatalog.Names.Count, _bytes, LocalAccount: true);
        _pattern = Pattern("tcp", host, null, bmc, 443, $"{_bytes / 1_048_576.0:F1} MB firmware upload to {bmc.Name} from non-admin host {host.IpText} outside the change window; the BMC then reboots");
        // Whoever connects first after the reboot (a poller, an admin, the attacker checking) sees new keys.
        bmc.Reflash = new Reflash(
            up,
            Pattern("tcp", bmc, 443, "*", null, $"{bmc.Name} presents a new web certificate after the reflash (the first TLS handshake since it came back)"),
            Pattern("tcp", bmc, 22, "*", null, $"{bmc.Name} presents a new SSH host key after the reflash (the first SSH handshake since it came back)"));
        Summary = $"{host.IpText} -> {bmc.Name}, {_bytes / 1_048_576.0:F1} MB at {SimTime.Iso(start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(w => AdminActivity.Run(w, scheduler, Site, _session, _pattern, null));

    private bool Busy(Bmc bmc, long start)
    {
        foreach (var s in Site.AdminPlan)
        {
            if (ReferenceEquals(s.Bmc, bmc) && s.Start < start + (30 * SimTime.Minute) && s.Start + s.Duration > start - (10 * SimTime.Minute))
            {
                return true;
            }
        }

        return false;
    }
}
