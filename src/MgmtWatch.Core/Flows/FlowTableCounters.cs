namespace MgmtWatch.Core.Flows;

/// <summary>Flow table activity, for the summary, EVE stats and metrics.</summary>
public sealed class FlowTableCounters
{
    /// <summary>Flows created.</summary>
    public long Created { get; set; }

    /// <summary>Flows ended by timeout or close.</summary>
    public long TimedOut { get; set; }

    /// <summary>Flows evicted because the table was full.</summary>
    public long Evicted { get; set; }

    /// <summary>Flows ended at shutdown.</summary>
    public long Shutdown { get; set; }

    /// <summary>Interim records written for long flows.</summary>
    public long Interim { get; set; }

    /// <summary>Largest number of flows active at once.</summary>
    public long PeakActive { get; set; }

    /// <summary>Adds another table's counts (per-thread tables).</summary>
    public void Add(FlowTableCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Created += other.Created;
        TimedOut += other.TimedOut;
        Evicted += other.Evicted;
        Shutdown += other.Shutdown;
        Interim += other.Interim;
        PeakActive += other.PeakActive;
    }
}
