using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;

namespace MgmtWatch.Core.Pipeline;

/// <summary>What a run saw, for the summary printed at the end and for tests.</summary>
public sealed class RunSummary
{
    /// <summary>Packets read.</summary>
    public long Packets { get; internal set; }

    /// <summary>Bytes on the wire of those packets.</summary>
    public long WireBytes { get; internal set; }

    /// <summary>Time of the first packet (ns), or null if none.</summary>
    public long? FirstTimestamp { get; internal set; }

    /// <summary>Time of the last packet (ns).</summary>
    public long? LastTimestamp { get; internal set; }

    /// <summary>Decoder counters.</summary>
    public DecoderCounters Decoder { get; } = new();

    /// <summary>Flow table counters.</summary>
    public FlowTableCounters Flows { get; } = new();

    /// <summary>Flows by transport (tcp, udp, icmp, ...).</summary>
    public SortedDictionary<string, long> FlowsByProtocol { get; } = new(StringComparer.Ordinal);

    /// <summary>Flows by identified service ("-" for none).</summary>
    public SortedDictionary<string, long> FlowsByService { get; } = new(StringComparer.Ordinal);

    /// <summary>Hosts by bytes.</summary>
    public TopTalkers Talkers { get; } = new();

    /// <summary>Anomaly events written.</summary>
    public long AnomaliesWritten { get; internal set; }

    /// <summary>Anomaly events beyond the per-minute limit (counted, not written).</summary>
    public long AnomaliesSuppressed { get; internal set; }

    /// <summary>Alerts written.</summary>
    public long Alerts { get; internal set; }

    /// <summary>Repeats of an incident already alerted on, counted instead of written.</summary>
    public long AlertsSuppressed { get; internal set; }

    /// <summary>Fragments seen, datagrams reassembled, expired and evicted.</summary>
    public (long Fragments, long Reassembled, long Expired, long Evicted) Fragments { get; internal set; }

    /// <summary>Hosts seen in ARP.</summary>
    public int ArpHosts { get; internal set; }

    /// <summary>Peak resident memory of the process (bytes).</summary>
    public long PeakMemory { get; internal set; }

    /// <summary>Errors that stopped reading an input early.</summary>
    public List<CaptureError> CaptureErrors { get; } = [];

    /// <summary>Warnings for people (lost data, limits reached).</summary>
    public List<string> Warnings { get; } = [];
}
