using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Pipeline;

/// <summary>An alert a rule, an analyzer or the model wants raised, before de-duplication.</summary>
internal sealed record AlertRequest(
    Signature Signature,
    long Timestamp,
    long? PacketNumber,
    int Flow,
    HostAddress Source,
    ushort? SourcePort,
    HostAddress Destination,
    ushort? DestinationPort,
    byte Protocol,
    byte IpVersion,
    string Description,
    IReadOnlyList<KeyValuePair<string, string>>? Evidence,
    string? IncidentKey)
{
    /// <summary>
    /// The incident is the source's (and key's) whatever the destination: a sweep is one incident however
    /// many hosts it reaches, and the alert names the host reached when it crossed the threshold.
    /// </summary>
    public bool AnyDestination { get; init; }

    /// <summary>The incident is the signature's (and key's) alone, whatever the hosts: a flood of spoofed sources is one incident.</summary>
    public bool AnyHost { get; init; }

    /// <summary>Model score, for model alerts.</summary>
    public double? Score { get; init; }

    /// <summary>Model threshold, for model alerts.</summary>
    public double? Threshold { get; init; }

    /// <summary>Model id, for model alerts.</summary>
    public string? ModelId { get; init; }

    /// <summary>The flow's identity and counters when the alert is about a flow, taken when the request was made.</summary>
    public AlertFlowDetails? Details { get; init; }

    /// <summary>The capture file being read when the request was made (offline runs).</summary>
    public string? PcapFilename { get; init; }
}

/// <summary>What an alert says about its flow: identities, application protocol and counters.</summary>
internal sealed record AlertFlowDetails(ulong FlowId, string Uid, string CommunityId, string? AppProto, Output.FlowCounters Counters);
