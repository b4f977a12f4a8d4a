using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Tests.Support;

/// <summary>Keeps copies of every event (the pipeline reuses its instances).</summary>
public sealed class CollectingSink : IEventSink
{
    public List<FlowSnapshot> Flows { get; } = [];

    /// <summary>Copies of the records themselves, for stages that consume them (feature extraction).</summary>
    public List<FlowRecord> Records { get; } = [];

    public List<(string Event, string? Layer, long PacketNumber)> Anomalies { get; } = [];

    public List<AlertEvent> Alerts { get; } = [];

    public void Emit(FlowRecord flow)
    {
        Flows.Add(FlowSnapshot.Of(flow));
        Records.Add(flow.Clone());
    }

    public void Emit(AnomalyEvent anomaly) => Anomalies.Add((anomaly.Event, anomaly.Layer, anomaly.PacketNumber));

    public void Emit(AlertEvent alert) => Alerts.Add(alert);

    public void Emit(StatsEvent stats)
    {
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>An immutable copy of a flow record.</summary>
public sealed record FlowSnapshot(
    string Orig, ushort OrigPort, string Resp, ushort RespPort, byte Protocol, long Start, long End,
    ulong OrigBytes, ulong RespBytes, uint OrigPackets, uint RespPackets, ulong OrigIpBytes, ulong RespIpBytes,
    ulong MissedBytes, string ConnState, string History, string Uid, ulong FlowId, string CommunityId,
    FlowEndReason Reason, string? Service, IReadOnlyDictionary<string, string> Fields, double? Score)
{

    public static FlowSnapshot Of(FlowRecord r) => new(
        r.OrigHost.ToString(), r.OrigPort, r.RespHost.ToString(), r.RespPort, r.Protocol, r.Start, r.End,
        r.OrigBytes, r.RespBytes, r.OrigPackets, r.RespPackets, r.OrigIpBytes, r.RespIpBytes,
        r.MissedBytes, r.ConnState, r.History, r.Uid, r.FlowId, r.CommunityIdText, r.Reason, r.Service,
        r.Fields.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), r.Score);

    /// <summary>An analyzer field (<c>snmp.version</c>), or null.</summary>
    public string? Field(string name) => Fields.GetValueOrDefault(name);
}
