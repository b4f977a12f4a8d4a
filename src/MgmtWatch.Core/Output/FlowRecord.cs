using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;

namespace MgmtWatch.Core.Output;

/// <summary>
/// A flow as the outputs see it, at its end or in an interim report. The pipeline fills one instance and
/// reuses it for every flow, so a sink must copy what it keeps beyond <see cref="IEventSink.Emit(FlowRecord)"/>.
/// </summary>
public sealed class FlowRecord
{
    private byte[] _uid = new byte[FlowIdentity.UidMaxLength];
    private byte[] _communityId = new byte[CommunityId.Utf8Length];
    private byte[] _history = new byte[FlowHistory.MaxLetters];

    /// <summary>Originator address.</summary>
    public HostAddress OrigHost { get; set; }

    /// <summary>Originator port (ICMP: type).</summary>
    public ushort OrigPort { get; set; }

    /// <summary>Responder address.</summary>
    public HostAddress RespHost { get; set; }

    /// <summary>Responder port (ICMP: code or counterpart type).</summary>
    public ushort RespPort { get; set; }

    /// <summary>IP protocol number.</summary>
    public byte Protocol { get; set; }

    /// <summary>4 or 6.</summary>
    public byte IpVersion { get; set; }

    /// <summary>Time of the first packet (ns since the epoch).</summary>
    public long Start { get; set; }

    /// <summary>Time of the last packet.</summary>
    public long End { get; set; }

    /// <summary>Packet number (pcap_cnt) of the flow's first packet.</summary>
    public long FirstPacket { get; set; }

    /// <summary>Payload bytes from the originator.</summary>
    public ulong OrigBytes { get; set; }

    /// <summary>Payload bytes from the responder.</summary>
    public ulong RespBytes { get; set; }

    /// <summary>Packets from the originator.</summary>
    public uint OrigPackets { get; set; }

    /// <summary>Packets from the responder.</summary>
    public uint RespPackets { get; set; }

    /// <summary>IP bytes from the originator.</summary>
    public ulong OrigIpBytes { get; set; }

    /// <summary>IP bytes from the responder.</summary>
    public ulong RespIpBytes { get; set; }

    /// <summary>Bytes missing from TCP sequence space (capture gaps).</summary>
    public ulong MissedBytes { get; set; }

    /// <summary>Mean payload size of the originator's packets.</summary>
    public float OrigSizeMean { get; set; }

    /// <summary>Standard deviation of the originator's payload sizes.</summary>
    public float OrigSizeStdDev { get; set; }

    /// <summary>Mean payload size of the responder's packets.</summary>
    public float RespSizeMean { get; set; }

    /// <summary>Standard deviation of the responder's payload sizes.</summary>
    public float RespSizeStdDev { get; set; }

    /// <summary>Mean gap between consecutive packets (seconds).</summary>
    public float GapMean { get; set; }

    /// <summary>Standard deviation of the gaps between packets (seconds).</summary>
    public float GapStdDev { get; set; }

    /// <summary>Zeek conn_state.</summary>
    public string ConnState { get; set; } = "OTH";

    /// <summary>Application protocol, if an analyzer identified one.</summary>
    public string? Service { get; set; }

    /// <summary>Why the record is written.</summary>
    public FlowEndReason Reason { get; set; }

    /// <summary>51-bit flow id, the same on every record of the flow.</summary>
    public ulong FlowId { get; set; }

    /// <summary>Whether any alert fired on the flow.</summary>
    public bool Alerted { get; set; }

    /// <summary>Anomaly score, when a model scored the flow.</summary>
    public double? Score { get; set; }

    /// <summary>The model's alert threshold, when scored.</summary>
    public double? Threshold { get; set; }

    /// <summary>The scoring model's id, when scored.</summary>
    public string? ModelId { get; set; }

    /// <summary>Name of the capture file being read when the record was written.</summary>
    public string? PcapFilename { get; set; }

    /// <summary>Live interface the flow was seen on.</summary>
    public string? Interface { get; set; }

    /// <summary>Extra analyzer fields, written as <c>mgmtwatch.&lt;name&gt;</c> in the flow log and under <c>mgmtwatch</c> in EVE.</summary>
    public List<KeyValuePair<string, string>> Fields { get; private set; } = [];

    /// <summary>The analyzer field <paramref name="name"/>, or null (a linear search: a record holds a few dozen fields at most).</summary>
    public string? Field(string name)
    {
        foreach (var (key, value) in Fields)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The uid as UTF-8.</summary>
    public ReadOnlySpan<byte> UidUtf8 => _uid.AsSpan(0, UidLength);

    /// <summary>The Community ID as UTF-8.</summary>
    public ReadOnlySpan<byte> CommunityIdUtf8 => _communityId.AsSpan(0, CommunityIdLength);

    /// <summary>Zeek history letters as UTF-8.</summary>
    public ReadOnlySpan<byte> HistoryUtf8 => _history.AsSpan(0, HistoryLength);

    /// <summary>The uid (allocates).</summary>
    public string Uid => System.Text.Encoding.ASCII.GetString(UidUtf8);

    /// <summary>The Community ID (allocates).</summary>
    public string CommunityIdText => System.Text.Encoding.ASCII.GetString(CommunityIdUtf8);

    /// <summary>The history (allocates).</summary>
    public string History => System.Text.Encoding.ASCII.GetString(HistoryUtf8);

    internal int UidLength { get; set; }

    internal int CommunityIdLength { get; set; }

    internal int HistoryLength { get; set; }

    internal Span<byte> HistoryBuffer => _history;

    /// <summary>The flow's key in canonical order, from which its identifiers are derived.</summary>
    internal FlowKey Key { get; set; }

    /// <summary>
    /// Writes the flow id, uid and Community ID from the key, start and first packet. The verdict stage does
    /// this, on the second thread when there is one: a Community ID is a SHA-1 and a uid 17 base-62 divisions,
    /// per flow.
    /// </summary>
    internal void WriteIdentifiers()
    {
        FlowId = FlowIdentity.FlowId(Key, Start, FirstPacket);
        UidLength = FlowIdentity.WriteUid(Key, Start, FirstPacket, _uid);
        CommunityIdLength = CommunityId.Write(OrigHost, RespHost, OrigPort, RespPort, Protocol, _communityId);
    }

    /// <summary>A copy that outlives the pipeline's reuse of this instance (training keeps flows).</summary>
    public FlowRecord Clone()
    {
        // MemberwiseClone shares the buffers; the copy gets its own.
        var copy = (FlowRecord)MemberwiseClone();
        copy._uid = (byte[])_uid.Clone();
        copy._communityId = (byte[])_communityId.Clone();
        copy._history = (byte[])_history.Clone();
        copy.Fields = [.. Fields];
        return copy;
    }

    /// <summary>True for TCP flows in which either side closed or reset.</summary>
    public bool TcpClosed { get; set; }

    /// <summary>Suricata's flow state: new (one direction), established, or closed.</summary>
    public string EveState => TcpClosed ? "closed" : (OrigPackets > 0 && RespPackets > 0 ? "established" : "new");

    /// <summary>Suricata's flow end reason.</summary>
    public string EveReason => Reason switch
    {
        FlowEndReason.Shutdown => "shutdown",
        FlowEndReason.Evicted => "forced",
        FlowEndReason.Interim => "interim",
        _ => "timeout",
    };
}
