using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Plans what the administrators do, before any packet is generated (their firmware updates take BMCs
/// down, and every behaviour must know when a BMC is down): sessions from jump hosts in working hours,
/// and firmware updates in the change window.
/// </summary>
internal static class AdminPlanner
{
    /// <summary>Mean upload rate a BMC accepts a firmware image at (bytes/s): their CPUs are slow.</summary>
    public const double UploadRate = 4_000_000;

    public static void Plan(Site site)
    {
        var r = RandomStreams.Create(site.TrafficSeed, "site/admin");
        var index = 0;

        // Firmware updates first: they create outages that sessions then avoid.
        for (var day = site.Start - SimTime.Day; day < site.End; day += SimTime.Hour)
        {
            if (!site.IsChangeWindow(day) || site.IsChangeWindow(day - SimTime.Hour) || !r.Chance(0.6))
            {
                continue;
            }

            // The first hour of a change window: update a few BMCs one after the other.
            var count = Math.Min(site.Bmcs.Count, r.Next(1, 5));
            var t = day + r.Seconds(300, 1800);
            var jump = r.Pick(site.JumpHosts);
            for (var i = 0; i < count; i++)
            {
                var bmc = site.Bmcs[r.Next(site.Bmcs.Count)];
                var size = (long)(r.Uniform(16, 64) * 1_048_576 * site.BulkScale);
                var upload = SimTime.FromSeconds(size / UploadRate) + r.Seconds(5, 20);
                var down = t + upload + r.Seconds(5, 30);
                var up = down + r.Seconds(60, 600);
                if (t >= site.Start && !bmc.OutageOverlaps(t, up))
                {
                    bmc.AddOutage(new Outage(down, up, OutageReason.FirmwareUpdate));
                    site.AdminPlan.Add(new AdminSession(t, upload, jump, bmc, AdminSessionKind.FirmwareUpdate, r.Pick(site.Admins), index++, size));
                }

                t = up + r.Seconds(60, 300);
            }
        }

        // Interactive sessions on weekdays 08:00–18:00 local: a busy site sees about one per five BMCs a day.
        var perDay = Math.Clamp(site.Bmcs.Count / 5.0, 1.0, 80.0);
        var perHour = perDay / 10.0;
        for (var hour = site.Start - (site.Start % SimTime.Hour); hour < site.End; hour += SimTime.Hour)
        {
            if (!site.IsWorkingHours(hour))
            {
                continue;
            }

            var n = Poisson(r, perHour);
            for (var i = 0; i < n; i++)
            {
                var start = hour + r.Micros(0, SimTime.Hour);
                var kind = r.PickWeighted<AdminSessionKind>(
                [
                    (AdminSessionKind.Ssh, 0.3), (AdminSessionKind.WebUi, 0.35), (AdminSessionKind.Kvm, 0.12),
                    (AdminSessionKind.VirtualMedia, 0.05), (AdminSessionKind.Ipmitool, 0.18),
                ]);
                var duration = kind switch
                {
                    AdminSessionKind.Ssh => r.Seconds(120, 1800),
                    AdminSessionKind.WebUi => r.Seconds(180, 2400),
                    AdminSessionKind.Kvm => r.Seconds(300, 3600),
                    AdminSessionKind.VirtualMedia => r.Seconds(600, 2700),
                    _ => r.Seconds(1, 5),
                };
                var bmc = site.Bmcs[r.Next(site.Bmcs.Count)];
                var jump = r.Pick(site.JumpHosts);
                var admin = r.Pick(site.Admins);
                if (start >= site.Start && start < site.End && !bmc.OutageOverlaps(start - SimTime.Minute, start + duration + SimTime.Minute))
                {
                    site.AdminPlan.Add(new AdminSession(start, duration, jump, bmc, kind, admin, index));
                }

                index++;
            }
        }

        site.AdminPlan.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Index.CompareTo(b.Index));
    }

    /// <summary>Knuth's Poisson sampler (small means).</summary>
    public static int Poisson(Random r, double mean)
    {
        var l = Math.Exp(-mean);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= r.NextDouble();
        }
        while (p > l);
        return k - 1;
    }

    public static string Name(AdminSession s) => s.Kind.ToString().ToLowerInvariant() + "/" + s.Index.ToString(CultureInfo.InvariantCulture);
}
