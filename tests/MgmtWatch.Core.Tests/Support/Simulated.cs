using System.Collections.Concurrent;
using System.Globalization;
using MgmtWatch.Core.Simulation;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>
/// Captures written by the simulator for tests, made once per set of options per test run (several test
/// classes read the same small site, and the suite runs on two cores).
/// </summary>
public static class Simulated
{
    private static readonly ConcurrentDictionary<string, Lazy<(string Pcap, string Labels, SimulationResult Result)>> Cache = new(StringComparer.Ordinal);

    /// <summary>A small site with every campaign, compressed into one hour (the labels-precision workhorse).</summary>
    public static SimulationOptions SmallAttackSite(int seed = 11) => new()
    {
        Seed = seed,
        Bmcs = 6,
        Pollers = 2,
        Start = new DateTimeOffset(2026, 3, 3, 14, 0, 0, TimeSpan.Zero),
        Duration = TimeSpan.FromHours(1),
        Attacks = AttackCatalog.Names,
        AttackStart = TimeSpan.FromMinutes(5),
        BulkScale = 0.02,
    };

    /// <summary>The same site and window without attacks: its flows are the normal traffic of <see cref="SmallAttackSite"/>.</summary>
    public static SimulationOptions Without(SimulationOptions options) => new()
    {
        Seed = options.Seed,
        Bmcs = options.Bmcs,
        Pollers = options.Pollers,
        Start = options.Start,
        Duration = options.Duration,
        BulkScale = options.BulkScale,
        SnapLength = options.SnapLength,
    };

    public static (string Pcap, string Labels, SimulationResult Result) Write(SimulationOptions options)
    {
        var key = Key(options);
        return Cache.GetOrAdd(key, _ => new Lazy<(string, string, SimulationResult)>(() =>
        {
            var pcap = TempFiles.Create(".pcap");
            var labels = TempFiles.Create(".csv");
            var result = ManagementNetworkSimulator.Write(options, pcap, labels);
            return (pcap, labels, result);
        })).Value;
    }

    private static string Key(SimulationOptions o) => string.Join('|',
        o.Seed.ToString(CultureInfo.InvariantCulture),
        o.Bmcs.ToString(CultureInfo.InvariantCulture),
        o.Pollers?.ToString(CultureInfo.InvariantCulture) ?? "-",
        o.Start.ToString("O", CultureInfo.InvariantCulture),
        o.Duration.Ticks.ToString(CultureInfo.InvariantCulture),
        string.Join(',', o.Attacks),
        o.AttackStart?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "-",
        o.SnapLength.ToString(CultureInfo.InvariantCulture),
        o.BulkScale.ToString("R", CultureInfo.InvariantCulture));
}
