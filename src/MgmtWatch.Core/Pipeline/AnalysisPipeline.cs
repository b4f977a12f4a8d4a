using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Inventory;
using MgmtWatch.Core.Output;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MgmtWatch.Core.Pipeline;

/// <summary>
/// One pipeline, two sources: packets from a file or an interface go through the decoder, the flow
/// table and (as they arrive) the analyzers, and every event leaves through one <see cref="IEventSink"/>.
/// Not thread-safe: one pipeline per packet stream.
/// </summary>
public sealed partial class AnalysisPipeline : IFlowEndHandler
{
    private readonly PipelineOptions _options;
    private readonly IEventSink _sink;
    private readonly ILogger _logger;
    private readonly PacketDecoder _decoder = new();
    private readonly FlowTable _flows;
    private readonly HostInventory _inventory = new();
    private readonly AnomalyLimiter _anomalyLimiter;
    private readonly FlowRecord _record = new();
    private readonly AnomalyEvent _anomaly = new();
    private readonly RunSummary _summary = new();
    private IReadOnlyList<string> _sourceNames = [];
    private string? _currentSource;
    private long _packetNumber;
    private bool _evictionWarned;
    private bool _finished;

    /// <summary>Creates a pipeline writing to <paramref name="sink"/>.</summary>
    public AnalysisPipeline(PipelineOptions options, IEventSink sink, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        _options = options;
        _sink = sink;
        _logger = logger ?? NullLogger.Instance;
        _flows = new FlowTable(this, options.Timeouts, options.MaxFlows);
        _anomalyLimiter = new AnomalyLimiter(options.AnomaliesPerMinute);
        _record.Interface = options.Interface;
        _anomaly.Interface = options.Interface;
    }

    /// <summary>Packets processed so far (the last pcap_cnt).</summary>
    public long Packets => _packetNumber;

    /// <summary>Flows active now.</summary>
    public int ActiveFlows => _flows.Active;

    /// <summary>Names of the inputs, for <c>pcap_filename</c>.</summary>
    public void SetSources(IReadOnlyList<string> names) => _sourceNames = names;

    /// <summary>Processes one packet.</summary>
    public void Process(in PacketInfo info, ReadOnlySpan<byte> data)
    {
        _packetNumber++;
        if ((uint)info.SourceIndex < (uint)_sourceNames.Count)
        {
            _currentSource = _sourceNames[info.SourceIndex];
        }

        var ts = info.Timestamp;
        _summary.FirstTimestamp ??= ts;
        _summary.LastTimestamp = _summary.LastTimestamp is { } last && last > ts ? last : ts;
        _summary.WireBytes += info.WireLength;

        var p = default(DecodedPacket);
        _decoder.Decode(info, data, ref p);
        var flow = -1;
        switch (p.Kind)
        {
            case PacketKind.Ip:
                flow = _flows.Observe(ts, _packetNumber, ref p, out _);
                break;
            case PacketKind.Arp:
                if (p.ArpSenderMac != 0)
                {
                    _inventory.Observe(p.Source, p.ArpSenderMac, ts);
                }

                _flows.Advance(ts);
                break;
            default:
                _flows.Advance(ts);
                break;
        }

        if (p.Event != DecodeEvent.None)
        {
            EmitDecodeAnomaly(ts, p, flow);
        }
    }

    /// <summary>Advances packet time without a packet (a quiet live interface), expiring idle flows.</summary>
    public void AdvanceTime(long now) => _flows.Advance(now);

    /// <summary>Ends every flow and flushes outputs. Idempotent.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        _flows.Flush(FlowEndReason.Shutdown);
        _sink.Flush();
    }

    /// <summary>The run's statistics (complete after <see cref="Finish"/>).</summary>
    public RunSummary Summary
    {
        get
        {
            _summary.Packets = _packetNumber;
            _summary.Decoder.Packets = 0;
            ResetInto(_summary.Decoder, _decoder.Counters);
            ResetInto(_summary.Flows, _flows.Counters);
            var f = _decoder.Fragments;
            _summary.Fragments = (f.Fragments, f.Reassembled, f.Expired, f.Evicted);
            _summary.ArpHosts = _inventory.Count;
            return _summary;
        }
    }

    private static void ResetInto(DecoderCounters target, DecoderCounters source)
    {
        var fresh = new DecoderCounters();
        fresh.Add(source);
        target.Packets = fresh.Packets;
        target.Ipv4 = fresh.Ipv4;
        target.Ipv6 = fresh.Ipv6;
        target.Arp = fresh.Arp;
        target.Tcp = fresh.Tcp;
        target.Udp = fresh.Udp;
        target.Icmp = fresh.Icmp;
        target.OtherIp = fresh.OtherIp;
        target.OtherEtherType = fresh.OtherEtherType;
        target.Malformed = fresh.Malformed;
        target.UnsupportedLinkTypes.Clear();
        foreach (var (k, v) in fresh.UnsupportedLinkTypes)
        {
            target.UnsupportedLinkTypes[k] = v;
        }

        fresh.Events.CopyTo(target.Events, 0);
    }

    private static void ResetInto(FlowTableCounters target, FlowTableCounters source)
    {
        target.Created = source.Created;
        target.TimedOut = source.TimedOut;
        target.Evicted = source.Evicted;
        target.Shutdown = source.Shutdown;
        target.Interim = source.Interim;
        target.PeakActive = source.PeakActive;
    }

    private void EmitDecodeAnomaly(long ts, scoped in DecodedPacket p, int flow)
    {
        var name = DecodeEventNames.Name(p.Event);
        if (!_anomalyLimiter.Allow(name, ts))
        {
            _summary.AnomaliesSuppressed++;
            return;
        }

        var a = _anomaly;
        a.Timestamp = ts;
        a.PacketNumber = _packetNumber;
        a.PcapFilename = _options.Interface is null ? _currentSource : null;
        a.HasAddresses = p.IpVersion != 0;
        a.Source = p.Source;
        a.Destination = p.Destination;
        a.HasPorts = flow >= 0 && IpProtocol.HasPorts(p.Protocol);
        a.SourcePort = p.SourcePort;
        a.DestinationPort = p.DestinationPort;
        a.Protocol = p.Protocol;
        a.IpVersion = p.IpVersion;
        a.FlowId = flow >= 0 ? FlowIdOf(ref _flows[flow]) : null;
        a.Type = "decode";
        a.Event = name;
        a.Layer = DecodeEventNames.Layer(p.Event);
        a.AppProto = null;
        _summary.AnomaliesWritten++;
        _sink.Emit(a);
    }

    private static ulong FlowIdOf(ref FlowEntry f) => FlowIdentity.FlowId(f.Key, f.Start, f.FirstPacket);

    void IFlowEndHandler.OnFlowEnd(FlowTable table, int flow, FlowEndReason reason)
    {
        ref var f = ref table[flow];
        var r = _record;
        var key = f.Key;
        ref var orig = ref f.Orig;
        ref var resp = ref f.Resp;
        r.OrigHost = f.OrigIsA ? f.A : f.B;
        r.RespHost = f.OrigIsA ? f.B : f.A;
        r.OrigPort = f.OrigIsA ? f.PortA : f.PortB;
        r.RespPort = f.OrigIsA ? f.PortB : f.PortA;
        r.Protocol = f.Protocol;
        r.IpVersion = f.IpVersion;
        r.Start = f.Start;
        r.End = f.Last;
        r.FirstPacket = f.FirstPacket;
        r.OrigBytes = orig.Bytes;
        r.RespBytes = resp.Bytes;
        r.OrigPackets = orig.Packets;
        r.RespPackets = resp.Packets;
        r.OrigIpBytes = orig.IpBytes;
        r.RespIpBytes = resp.IpBytes;
        r.MissedBytes = f.MissedBytes;
        r.ConnState = FlowTable.ConnStateOf(f);
        r.TcpClosed = f.Protocol == IpProtocol.Tcp &&
                      (orig.State is TcpEndpointState.Closed or TcpEndpointState.Reset || resp.State is TcpEndpointState.Closed or TcpEndpointState.Reset);
        r.Service = null;
        r.Reason = reason;
        r.FlowId = FlowIdentity.FlowId(key, f.Start, f.FirstPacket);
        r.UidLength = FlowIdentity.WriteUid(key, f.Start, f.FirstPacket, r.UidBuffer);
        r.CommunityIdLength = CommunityId.Write(r.OrigHost, r.RespHost, r.OrigPort, r.RespPort, r.Protocol, r.CommunityIdBuffer);
        r.HistoryLength = FlowHistory.Write(f.History, f.HistoryLength, r.HistoryBuffer);
        r.Alerted = (f.Flags & FlowFlags.Alerted) != 0;
        r.PcapFilename = _options.Interface is null ? _currentSource : null;
        r.Fields.Clear();

        if (reason == FlowEndReason.Evicted && !_evictionWarned)
        {
            _evictionWarned = true;
            LogFlowTableFull(_logger, _flows.MaxFlows);
        }

        _sink.Emit(r);

        if (reason != FlowEndReason.Interim)
        {
            Increment(_summary.FlowsByProtocol, IpProtocol.ZeekName(r.Protocol));
            Increment(_summary.FlowsByService, r.Service ?? "-");
            var bytes = r.OrigIpBytes + r.RespIpBytes;
            _summary.Talkers.Add(r.OrigHost, bytes);
            _summary.Talkers.Add(r.RespHost, bytes);
        }
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Flow table full ({MaxFlows} flows): evicting the flows nearest their timeout; raise --max-flows if this is not a flood")]
    private static partial void LogFlowTableFull(ILogger logger, int maxFlows);
}
