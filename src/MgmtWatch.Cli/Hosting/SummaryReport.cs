using System.Globalization;
using System.Text;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Cli.Hosting;

/// <summary>The end-of-run summary for people, on stderr.</summary>
internal static class SummaryReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(RunSummary s, int inputs, TimeSpan elapsed)
    {
        var b = new StringBuilder();
        var rate = s.Packets / Math.Max(elapsed.TotalSeconds, 1e-6);
        b.Append(Invariant, $"Read {s.Packets:N0} packets ({Size(s.WireBytes)}) from {inputs} file{(inputs == 1 ? "" : "s")} in {elapsed.TotalSeconds:F2} s ({rate:N0} packets/s)").AppendLine();
        if (s.FirstTimestamp is { } first && s.LastTimestamp is { } last)
        {
            b.Append(Invariant, $"  capture span   {Time(first)} .. {Time(last)} ({Span(last - first)})").AppendLine();
        }

        var d = s.Decoder;
        b.Append(Invariant, $"  decoded        IPv4 {d.Ipv4:N0} · IPv6 {d.Ipv6:N0} · ARP {d.Arp:N0} · other ethertypes {d.OtherEtherType:N0} · malformed {d.Malformed:N0}").AppendLine();
        b.Append(Invariant, $"  transport      TCP {d.Tcp:N0} · UDP {d.Udp:N0} · ICMP {d.Icmp:N0} · other {d.OtherIp:N0}").AppendLine();
        var f = s.Flows;
        b.Append(Invariant, $"  flows          {f.Created:N0} ({Join(s.FlowsByProtocol)}) · peak active {f.PeakActive:N0} · evicted {f.Evicted:N0} · interim records {f.Interim:N0}").AppendLine();
        if (s.FlowsByService.Count > 0)
        {
            b.Append(Invariant, $"  services       {Join(s.FlowsByService.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))}").AppendLine();
        }

        var top = s.Talkers.Top(5);
        if (top.Count > 0)
        {
            b.Append("  top talkers    ")
             .AppendJoin(", ", top.Select(t => string.Create(Invariant, $"{t.Host} {Size((long)t.Bytes)} ({t.Flows:N0} flows)")))
             .AppendLine();
        }

        if (s.ArpHosts > 0)
        {
            b.Append(Invariant, $"  hosts in ARP   {s.ArpHosts:N0}").AppendLine();
        }

        b.Append(Invariant, $"  events         alerts {s.Alerts:N0}");
        if (s.AlertsSuppressed > 0)
        {
            b.Append(Invariant, $" (+{s.AlertsSuppressed:N0} repeats of the same incidents)");
        }

        b.Append(Invariant, $" · anomalies {s.AnomaliesWritten:N0}");
        if (s.AnomaliesSuppressed > 0)
        {
            b.Append(Invariant, $" (+{s.AnomaliesSuppressed:N0} over the per-minute limit, not written)");
        }

        b.AppendLine();
        b.Append(Invariant, $"  memory         peak resident {Size(s.PeakMemory)}").AppendLine();
        foreach (var warning in Warnings(s))
        {
            b.Append("  warning        ").AppendLine(warning);
        }

        return b.ToString();
    }

    /// <summary>Conditions that mean data was lost or results are partial.</summary>
    public static IEnumerable<string> Warnings(RunSummary s)
    {
        foreach (var e in s.CaptureErrors)
        {
            yield return "input stopped early: " + e;
        }

        foreach (var (linkType, count) in s.Decoder.UnsupportedLinkTypes.OrderBy(kv => kv.Key))
        {
            yield return string.Create(Invariant, $"{count:N0} packets of unsupported link type {linkType} were counted but not analysed");
        }

        if (s.Flows.Evicted > 0)
        {
            yield return string.Create(Invariant, $"{s.Flows.Evicted:N0} flows were evicted from a full flow table (raise --max-flows if this was not a flood)");
        }

        var (fragments, _, expired, evicted) = s.Fragments;
        if (expired + evicted > 0)
        {
            yield return string.Create(Invariant, $"{expired + evicted:N0} fragmented datagrams could not be reassembled ({fragments:N0} fragments seen)");
        }

        var events = s.Decoder.Events;
        var anomalies = Enumerable.Range(1, events.Length - 1).Where(i => events[i] > 0)
            .Select(i => string.Create(Invariant, $"{DecodeEventNames.Name((DecodeEvent)i)} {events[i]:N0}")).ToList();
        if (anomalies.Count > 0)
        {
            yield return "decoder anomalies: " + string.Join(", ", anomalies);
        }
    }

    private static string Join(IEnumerable<KeyValuePair<string, long>> counts) =>
        string.Join(", ", counts.Select(kv => string.Create(Invariant, $"{kv.Key} {kv.Value:N0}")));

    private static string Time(long ns) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ns / 1_000_000, -62135596800000L, 253402300799999L)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", Invariant);

    private static string Span(long ns)
    {
        var t = TimeSpan.FromTicks(Math.Max(0, ns / 100));
        return t.TotalDays >= 1 ? string.Create(Invariant, $"{(int)t.TotalDays}d {t.Hours}h {t.Minutes}m")
            : t.TotalHours >= 1 ? string.Create(Invariant, $"{t.Hours}h {t.Minutes}m {t.Seconds}s")
            : t.TotalMinutes >= 1 ? string.Create(Invariant, $"{t.Minutes}m {t.Seconds}s")
            : string.Create(Invariant, $"{t.TotalSeconds:F3} s");
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(Invariant, $"{bytes / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(Invariant, $"{bytes / (double)(1L << 20):F1} MiB"),
        >= 1L << 10 => string.Create(Invariant, $"{bytes / 1024.0:F1} KiB"),
        _ => string.Create(Invariant, $"{bytes} B"),
    };
}
