namespace MgmtWatch.Core.Output;

/// <summary>Periodic sensor statistics (EVE <c>stats</c>, live only).</summary>
public sealed class StatsEvent
{
    /// <summary>Time of the snapshot (wall clock for live capture).</summary>
    public long Timestamp { get; set; }

    /// <summary>Seconds since start.</summary>
    public long Uptime { get; set; }

    /// <summary>Packets the kernel delivered.</summary>
    public long KernelPackets { get; set; }

    /// <summary>Packets the kernel dropped (libpcap ps_drop).</summary>
    public long KernelDrops { get; set; }

    /// <summary>Packets the interface dropped (libpcap ps_ifdrop).</summary>
    public long KernelIfDrops { get; set; }

    /// <summary>Packets dropped by MgmtWatch's own queue.</summary>
    public long PipelineDrops { get; set; }

    /// <summary>Flows active now.</summary>
    public long FlowsActive { get; set; }

    /// <summary>Flows created since start.</summary>
    public long FlowsTotal { get; set; }

    /// <summary>Alerts since start.</summary>
    public long Alerts { get; set; }
}
