using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>What to simulate. Same options, same bytes.</summary>
public sealed class SimulationOptions
{
    /// <summary>Largest site the address plan supports (a /20 management subnet).</summary>
    public const int MaxBmcs = 4000;

    /// <summary>The seed: it chooses the site (addresses, vendors, pollers, time zone) and every behaviour.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Start of the capture. Default 2026-03-02T00:00:00Z, a Monday.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Length of the capture.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(3);

    /// <summary>Number of BMCs.</summary>
    public int Bmcs { get; init; } = 40;

    /// <summary>Number of poller hosts; null lets the seed choose (2–4).</summary>
    public int? Pollers { get; init; }

    /// <summary>Attack campaigns to add (names from <see cref="AttackCatalog.Names"/>), each at most once.</summary>
    public IReadOnlyList<string> Attacks { get; init; } = [];

    /// <summary>
    /// Earliest start of a campaign, as an offset from <see cref="Start"/>; null means a tenth of the
    /// duration (so every capture with attacks begins with clean traffic).
    /// </summary>
    public TimeSpan? AttackStart { get; init; }

    /// <summary>Bytes kept of each frame (pcap snaplen); the original length is still recorded.</summary>
    public int SnapLength { get; init; } = Capture.CaptureFileReader.MaxPacketLength;

    /// <summary>
    /// Factor applied to bulk transfers (KVM streams, virtual media, firmware uploads, exfiltration) to keep
    /// fixture captures small; 1 is realistic.
    /// </summary>
    public double BulkScale { get; init; } = 1.0;

    /// <summary>Checks the options; returns an error message for a person, or null when they are usable.</summary>
    public string? Validate()
    {
        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromDays(31))
        {
            return "the duration must be more than 0 and at most 31 days";
        }

        if (Bmcs is < 1 or > MaxBmcs)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the number of BMCs must be between 1 and {MaxBmcs}");
        }

        if (Pollers is < 1 or > 16)
        {
            return "the number of pollers must be between 1 and 16";
        }

        if (SnapLength is < 64 or > Capture.CaptureFileReader.MaxPacketLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the snap length must be between 64 and {Capture.CaptureFileReader.MaxPacketLength}");
        }

        if (BulkScale is <= 0 or > 1 || double.IsNaN(BulkScale))
        {
            return "the bulk scale must be more than 0 and at most 1";
        }

        if (AttackStart is { } s && (s < TimeSpan.Zero || s >= Duration))
        {
            return "the attack start must be inside the capture (0 to the duration)";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in Attacks)
        {
            if (!AttackCatalog.IsKnown(a))
            {
                return $"unknown attack '{a}'; known: {string.Join(", ", AttackCatalog.Names)}";
            }

            if (!seen.Add(a))
            {
                return $"attack '{a}' given twice";
            }
        }

        if (Start.Year is < 1971 or > 2105)
        {
            return "the start must be between 1971 and 2105 (pcap timestamps are 32-bit seconds)";
        }

        return null;
    }
}
