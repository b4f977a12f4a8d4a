using System.Globalization;
using System.Text;
using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Writes a capture of a simulated out-of-band management network: a site chosen by the seed (BMCs of
/// several vendors, pollers, jump hosts, infrastructure servers) behaving normally for the requested time,
/// plus optional attack campaigns whose flows are listed in a label file (<see cref="LabelsFile"/>).
/// Deterministic: the same options give the same bytes. Streaming: memory does not grow with duration.
/// </summary>
public static class ManagementNetworkSimulator
{
    /// <summary>Writes the capture (classic pcap, microseconds, Ethernet) to <paramref name="pcap"/> and the labels to <paramref name="labels"/>.</summary>
    /// <param name="options">What to simulate; must pass <see cref="SimulationOptions.Validate"/>.</param>
    /// <param name="pcap">Destination of the capture; left open.</param>
    /// <param name="labels">Destination of the label CSV, or null.</param>
    /// <param name="progress">Called every 65,536 packets with (packets written, simulated time in µs since the epoch).</param>
    /// <param name="cancellationToken">Checked every 65,536 packets; cancelling throws <see cref="OperationCanceledException"/>
    /// and leaves a valid capture of what was written so far.</param>
    public static SimulationResult Write(SimulationOptions options, Stream pcap, TextWriter? labels = null, Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pcap);
        var error = options.Validate();
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(options));
        }

        var site = SiteBuilder.Build(options);
        var campaigns = Campaigns.Prepare(site, options);
        var scheduler = new Scheduler(site.Start, site.End);
        Baseline.Spawn(site, scheduler);
        foreach (var c in campaigns)
        {
            c.Spawn(scheduler);
        }

        using (var writer = new PcapFileWriter(pcap, LinkType.Ethernet, nanoseconds: false, snapLength: options.SnapLength, ownsStream: false))
        {
            scheduler.Run(writer, options.SnapLength, progress, cancellationToken);
        }

        var rows = new List<(LabelRow Row, int Order)>();
        var order = 0;
        foreach (var c in campaigns)
        {
            foreach (var p in c.Patterns)
            {
                if (p.Seen)
                {
                    rows.Add((p.ToRow(), order));
                }

                order++;
            }
        }

        rows.Sort((a, b) => a.Row.Start != b.Row.Start ? a.Row.Start.CompareTo(b.Row.Start) : a.Order.CompareTo(b.Order));
        var labelRows = rows.ConvertAll(x => x.Row);
        if (labels is not null)
        {
            LabelsFile.Write(labels, labelRows);
        }

        return new SimulationResult(scheduler.Packets, scheduler.Bytes, labelRows, Describe(site, campaigns));
    }

    /// <summary>Writes the capture to <paramref name="pcapPath"/> and, when given, the labels to <paramref name="labelsPath"/>.</summary>
    public static SimulationResult Write(SimulationOptions options, string pcapPath, string? labelsPath = null, Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(pcapPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        if (labelsPath is null)
        {
            return Write(options, stream, null, progress, cancellationToken);
        }

        using var labels = new StreamWriter(labelsPath, false, new UTF8Encoding(false)) { NewLine = "\n" };
        return Write(options, stream, labels, progress, cancellationToken);
    }

    private static string Describe(Site site, List<Campaign> campaigns)
    {
        var sb = new StringBuilder();
        var vendors = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var b in site.Bmcs)
        {
            var name = b.Vendor.ToString();
            vendors[name] = vendors.GetValueOrDefault(name) + 1;
        }

        sb.Append(CultureInfo.InvariantCulture, $"site: {site.SubnetCidr} ({site.Domain}), UTC{(site.UtcOffset >= TimeSpan.Zero ? "+" : "-")}{site.UtcOffset:hh\\:mm}, router {site.Gateway.IpText}\n");
        sb.Append(CultureInfo.InvariantCulture, $"BMCs: {site.Bmcs.Count} ({string.Join(", ", vendors.Select(v => v.Key + " " + v.Value.ToString(CultureInfo.InvariantCulture)))})\n");
        sb.Append(CultureInfo.InvariantCulture, $"pollers: {string.Join(", ", site.Jobs.Select(j => j.Poller.Name + " " + j.Software))}\n");
        sb.Append(CultureInfo.InvariantCulture, $"jump hosts: {site.JumpHosts.Count}; admin sessions planned: {site.AdminPlan.Count}\n");
        foreach (var c in campaigns)
        {
            sb.Append(CultureInfo.InvariantCulture, $"campaign {c.Id}: {c.Summary}\n");
        }

        return sb.ToString();
    }
}
