using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Output;

/// <summary>
/// An alert for people: which rule or model fired, on which flow, and why, in a sentence with the
/// evidence. Written as an EVE <c>alert</c> event.
/// </summary>
public sealed class AlertEvent
{
    /// <summary>Packet time of the alert.</summary>
    public long Timestamp { get; init; }

    /// <summary>Packet number (pcap_cnt) of the packet that completed the evidence, if any.</summary>
    public long? PacketNumber { get; init; }

    /// <summary>Capture file, offline.</summary>
    public string? PcapFilename { get; set; }

    /// <summary>Live interface.</summary>
    public string? Interface { get; set; }

    /// <summary>Flow id of the flow the alert is about.</summary>
    public ulong? FlowId { get; init; }

    /// <summary>Source (the acting host).</summary>
    public HostAddress Source { get; init; }

    /// <summary>Destination.</summary>
    public HostAddress Destination { get; init; }

    /// <summary>Source port.</summary>
    public ushort? SourcePort { get; init; }

    /// <summary>Destination port.</summary>
    public ushort? DestinationPort { get; init; }

    /// <summary>IP protocol.</summary>
    public byte Protocol { get; init; }

    /// <summary>4 or 6.</summary>
    public byte IpVersion { get; init; }

    /// <summary>Community ID of the flow.</summary>
    public string? CommunityId { get; init; }

    /// <summary>Application protocol.</summary>
    public string? AppProto { get; init; }

    /// <summary>Signature id from MgmtWatch's local block.</summary>
    public int SignatureId { get; init; }

    /// <summary>Signature revision.</summary>
    public int Revision { get; init; } = 1;

    /// <summary>ET-style signature text.</summary>
    public string Signature { get; init; } = "";

    /// <summary>Suricata classification text.</summary>
    public string Category { get; init; } = "Potentially Bad Traffic";

    /// <summary>1 high to 3 low.</summary>
    public int Severity { get; init; } = 2;

    /// <summary>Metadata, string arrays by key.</summary>
    public IReadOnlyDictionary<string, string[]>? Metadata { get; init; }

    /// <summary>One sentence for people: what happened, observed versus baseline.</summary>
    public string? Description { get; init; }

    /// <summary>Evidence: named values (top features, counts, thresholds), written under <c>mgmtwatch.evidence</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Evidence { get; init; }

    /// <summary>Model score, for model alerts.</summary>
    public double? Score { get; init; }

    /// <summary>Model threshold, for model alerts.</summary>
    public double? Threshold { get; init; }

    /// <summary>Model id, for model alerts.</summary>
    public string? ModelId { get; init; }

    /// <summary>uid of the flow.</summary>
    public string? Uid { get; init; }

    /// <summary>Flow counters at the time of the alert, when known.</summary>
    public FlowCounters? Flow { get; init; }
}

/// <summary>Packet and byte counts of a flow by direction, for an alert's <c>flow</c> object.</summary>
/// <param name="PacketsToServer">Packets from the originator.</param>
/// <param name="PacketsToClient">Packets from the responder.</param>
/// <param name="BytesToServer">IP bytes from the originator.</param>
/// <param name="BytesToClient">IP bytes from the responder.</param>
/// <param name="Start">Flow start (ns).</param>
public sealed record FlowCounters(long PacketsToServer, long PacketsToClient, long BytesToServer, long BytesToClient, long Start);
