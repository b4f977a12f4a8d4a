using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Inventory;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Scoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MgmtWatch.Core.Pipeline;

/// <summary>
/// One pipeline, two sources: packets from a file or an interface go through the decoder, the flow
/// table and (as they arrive) the analyzers; flow records, scored by the model, alerts and anomalies then go
/// to the <see cref="VerdictStage"/> (rules, incidents) and leave through one <see cref="IEventSink"/>.
/// With <see cref="PipelineOptions.Threads"/> of 2 or more the verdict stage runs on a second thread,
/// fed in this half's order, so the outputs are the same as on one thread.
/// Not thread-safe: one pipeline per packet stream, fed from one thread.
/// </summary>
public sealed partial class AnalysisPipeline : IFlowEndHandler
{
    private readonly PipelineOptions _options;
    private readonly ILogger _logger;
    private readonly PacketDecoder _decoder = new();
    private readonly FlowTable _flows;
    private readonly HostInventory _inventory = new();
    private readonly AnomalyLimiter _anomalyLimiter;
    private readonly FlowRecord _record = new();
    private readonly AnomalyEvent _anomaly = new();
    private readonly RunSummary _summary = new();
    private readonly AnalyzerRegistry _analyzers;
    private readonly AnalyzerContext _context;
    private readonly VerdictStage _verdicts;
    private readonly VerdictThread? _verdictThread;
    private IFlowScorer? _scorer;
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
        _logger = logger ?? NullLogger.Instance;
        _analyzers = options.Analyzers();
        _context = new AnalyzerContext(this, options.Fingerprinter ?? CredentialFingerprinter.Ephemeral(), options.Detection, options.Site);
        _scorer = options.Scorer;
        _verdicts = new VerdictStage(options, sink, _summary);
        if (options.Threads > 1)
        {
            _verdictThread = new VerdictThread(_verdicts, options.Scorer, options.Interface, options.ScoringHandoverDrill);
        }

        _flows = new FlowTable(this, options.Timeouts, options.MaxFlows, _analyzers.IsServicePort);
        _anomalyLimiter = new AnomalyLimiter(options.AnomaliesPerMinute);
        _record.Interface = options.Interface;
        _anomaly.Interface = options.Interface;
    }

    /// <summary>Packets processed so far (the last pcap_cnt).</summary>
    public long Packets => _packetNumber;

    /// <summary>Flows active now.</summary>
    public int ActiveFlows => _flows.Active;

    /// <summary>Times model scoring moved between the two threads (see <see cref="VerdictThread"/>); 0 on one thread.</summary>
    internal int ScoringMoves => _verdictThread?.ScoringMoves ?? 0;

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
                flow = _flows.Observe(ts, _packetNumber, ref p, out var fromOriginator);
                if (p.PayloadLength > 0 && p.Payload.Length > 0)
                {
                    Analyze(flow, fromOriginator, ts, p);
                }

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
            if (p.Event == DecodeEvent.FragmentCacheFull)
            {
                RaiseAlert(new AlertRequest(Signatures.ResourceExhaustion, ts, _packetNumber, -1, p.Source, null, p.Destination, null, p.Protocol, p.IpVersion,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"the fragment cache is full ({_decoder.Fragments.MaxDatagrams:N0} datagrams in progress): incomplete datagrams are being dropped ({_decoder.Fragments.Evicted:N0} so far)"),
                    [new("table", "fragments"), new("limit", _decoder.Fragments.MaxDatagrams.ToString(System.Globalization.CultureInfo.InvariantCulture))], "fragments")
                {
                    AnyHost = true,
                });
            }
        }
    }

    /// <summary>
    /// Payload packets of a flow with no analyzer on its port that content detection examines before
    /// giving up: enough for a client request and a server reply in either order.
    /// </summary>
    private const int MaxProbes = 4;

    private void Analyze(int flow, bool fromOriginator, long ts, scoped in DecodedPacket p)
    {
        ref var f = ref _flows[flow];
        if (f.Service == AnalyzerRegistry.NoAnalyzer || (f.Flags & FlowFlags.AnalyzerDone) != 0)
        {
            return;
        }

        var packet = new AnalyzerPacket(ts, _packetNumber, flow, fromOriginator,
            f.OrigHost, f.OrigPort, f.RespHost, f.RespPort,
            f.Protocol, f.IpVersion, p.TcpFlags, p.Sequence, p.PayloadLength, p.Payload);
        if (f.Service == AnalyzerRegistry.Undecided)
        {
            var id = _analyzers.ForPort(f.Protocol, packet.ResponderPort);
            if (id == AnalyzerRegistry.Undecided)
            {
                id = _analyzers.Detect(packet);
                if (id != AnalyzerRegistry.Undecided)
                {
                    f.Flags |= FlowFlags.ServiceConfirmed;
                }
                else if (++f.Probes >= MaxProbes)
                {
                    f.Service = AnalyzerRegistry.NoAnalyzer;
                    return;
                }
            }

            f.Service = id;
            if (id == AnalyzerRegistry.Undecided)
            {
                return;
            }
        }

        _analyzers[f.Service].Inspect(packet, _context);
    }

    /// <summary>Marks a flow's service as confirmed by its analyzer.</summary>
    internal void ConfirmService(int flow) => _flows[flow].Flags |= FlowFlags.ServiceConfirmed;

    /// <summary>Stops offering the flow's payload packets to its analyzer (it still sees the flow end).</summary>
    internal void StopInspecting(int flow) => _flows[flow].Flags |= FlowFlags.AnalyzerDone;

    /// <summary>Writes an analyzer's protocol violation as an applayer anomaly (rate-limited per event name).</summary>
    internal void EmitApplicationAnomaly(string appProto, string eventName, scoped in AnalyzerPacket packet)
    {
        if (!_anomalyLimiter.Allow(eventName, packet.Timestamp))
        {
            _summary.AnomaliesSuppressed++;
            return;
        }

        var a = _verdictThread?.RentAnomaly() ?? _anomaly;
        a.Timestamp = packet.Timestamp;
        a.PacketNumber = packet.PacketNumber;
        a.PcapFilename = _options.Interface is null ? _currentSource : null;
        a.HasAddresses = true;
        a.HasPorts = true;
        a.Source = packet.Source;
        a.Destination = packet.Destination;
        a.SourcePort = packet.SourcePort;
        a.DestinationPort = packet.DestinationPort;
        a.Protocol = packet.Protocol;
        a.IpVersion = packet.IpVersion;
        a.FlowId = FlowIdOf(ref _flows[packet.Flow]);
        a.Type = "applayer";
        a.Event = eventName;
        a.Layer = null;
        a.AppProto = appProto;
        _summary.AnomaliesWritten++;
        PostAnomaly(a);
    }

    /// <summary>
    /// Raises an alert from this half (an analyzer, the fragment cache): the flow's details are taken now,
    /// while its entry is in the table, and the verdict stage de-duplicates and writes it in order.
    /// </summary>
    internal void RaiseAlert(AlertRequest request)
    {
        AlertFlowDetails? details = null;
        if (request.Flow >= 0)
        {
            ref var f = ref _flows[request.Flow];
            f.Flags |= FlowFlags.Alerted;
            var key = f.Key;
            var appProto = f.Service is not (AnalyzerRegistry.Undecided or AnalyzerRegistry.NoAnalyzer) && (f.Flags & FlowFlags.ServiceConfirmed) != 0
                ? _analyzers[f.Service].Name
                : null;
            details = new AlertFlowDetails(
                FlowIdOf(ref f),
                FlowIdentity.Uid(key, f.Start, f.FirstPacket),
                CommunityId.Compute(f.OrigHost, f.RespHost, f.OrigPort, f.RespPort, f.Protocol),
                appProto,
                new FlowCounters(f.Orig.Packets, f.Resp.Packets, (long)f.Orig.IpBytes, (long)f.Resp.IpBytes, f.Start));
        }

        request = request with { Details = details, PcapFilename = _currentSource };
        if (_verdictThread is null)
        {
            _verdicts.Raise(request);
        }
        else
        {
            _verdictThread.Alert(request);
        }
    }

    private void PostAnomaly(AnomalyEvent anomaly)
    {
        if (_verdictThread is null)
        {
            _verdicts.Anomaly(anomaly);
        }
        else
        {
            _verdictThread.Anomaly(anomaly);
        }
    }

    /// <summary>
    /// Swaps the model (a reload after retraining): flows ending from now on are scored by
    /// <paramref name="scorer"/> and the rules compare with <paramref name="baseline"/>. Call on the thread
    /// that processes packets, of a one-thread pipeline (a live sensor's).
    /// </summary>
    public void ReplaceModel(IFlowScorer? scorer, Features.IBaselineView? baseline)
    {
        if (_verdictThread is not null)
        {
            throw new InvalidOperationException("a model can be replaced only in a one-thread pipeline");
        }

        _scorer = scorer;
        _verdicts.ReplaceBaseline(baseline);
    }

    /// <summary>Advances packet time without a packet (a quiet live interface), expiring idle flows.</summary>
    public void AdvanceTime(long now) => _flows.Advance(now);

    /// <summary>
    /// Writes what the outputs have buffered (a live sensor calls it when it has caught up with the wire, so
    /// an alert is readable as soon as it is raised rather than when 64 KiB of events have gathered). A
    /// two-thread pipeline flushes when it finishes.
    /// </summary>
    public void FlushOutputs()
    {
        if (_verdictThread is null)
        {
            _verdicts.Flush();
        }
    }

    /// <summary>Ends every flow and flushes outputs. Idempotent.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        _flows.Flush(FlowEndReason.Shutdown);
        _verdictThread?.Complete();
        _verdicts.Flush();
    }

    /// <summary>Stops a second thread without finishing (reading failed with an exception; nothing more will be written).</summary>
    internal void Abandon() => _verdictThread?.Abandon();

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
            using (var self = System.Diagnostics.Process.GetCurrentProcess())
            {
                _summary.PeakMemory = self.PeakWorkingSet64;
            }

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

        var a = _verdictThread?.RentAnomaly() ?? _anomaly;
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
        PostAnomaly(a);
    }

    private static ulong FlowIdOf(ref FlowEntry f) => FlowIdentity.FlowId(f.Key, f.Start, f.FirstPacket);

    void IFlowEndHandler.OnFlowEnd(FlowTable table, int flow, FlowEndReason reason)
    {
        ref var f = ref table[flow];
        var r = _verdictThread?.RentRecord() ?? _record;
        var key = f.Key;
        ref var orig = ref f.Orig;
        ref var resp = ref f.Resp;
        r.OrigHost = f.OrigHost;
        r.RespHost = f.RespHost;
        r.OrigPort = f.OrigPort;
        r.RespPort = f.RespPort;
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
        r.MissedBytes = table.MissedBytes(flow);
        r.OrigSizeMean = orig.SizeMean;
        r.OrigSizeStdDev = StdDev(orig.SizeM2, orig.Packets);
        r.RespSizeMean = resp.SizeMean;
        r.RespSizeStdDev = StdDev(resp.SizeM2, resp.Packets);
        r.GapMean = f.GapMean;
        r.GapStdDev = StdDev(f.GapM2, orig.Packets + resp.Packets - 1);
        r.ConnState = table.ConnStateOf(flow);
        r.TcpClosed = table.IsTcpClosed(flow);
        r.Reason = reason;
        r.Key = key; // the verdict stage derives the flow id, uid and Community ID from it
        r.HistoryLength = FlowHistory.Write(f.History, f.HistoryLength, r.HistoryBuffer);
        r.PcapFilename = _options.Interface is null ? _currentSource : null;
        r.Fields.Clear();
        r.Service = null;
        if (f.Service is not (AnalyzerRegistry.Undecided or AnalyzerRegistry.NoAnalyzer))
        {
            var analyzer = _analyzers[f.Service];
            analyzer.OnFlowEnd(flow, reason != FlowEndReason.Interim, r.Fields, _context);
            SanitizeFields(r.Fields);
            if ((f.Flags & FlowFlags.ServiceConfirmed) != 0)
            {
                r.Service = analyzer.Name;
            }
        }

        // Alerts raised by analyzers so far; the verdict stage adds its own.
        r.Alerted = (f.Flags & FlowFlags.Alerted) != 0;
        FlowEviction? eviction = null;
        if (reason == FlowEndReason.Evicted)
        {
            if (!_evictionWarned)
            {
                _evictionWarned = true;
                LogFlowTableFull(_logger, _flows.MaxFlows);
            }

            eviction = new FlowEviction(_flows.Now, _flows.Counters.Evicted, _flows.MaxFlows);
        }

        r.Score = null;
        r.Threshold = null;
        r.ModelId = null;
        // With two threads the verdict thread may be the one scoring (see VerdictThread).
        var verdict = _verdictThread?.ScoresFlows == true ? null : _scorer?.Score(r);
        if (_verdictThread is null)
        {
            _verdicts.Flow(r, verdict, eviction);
        }
        else
        {
            _verdictThread.Flow(r, verdict, eviction);
        }
    }

    /// <summary>
    /// The one gate every analyzer's text passes on its way out: whatever an analyzer forgot, no field value
    /// reaches EVE, the flow log or a terminal with a control character or beyond
    /// <see cref="WireText.MaxFieldChars"/> (per flow, not per packet; no allocation for values already safe).
    /// </summary>
    private static void SanitizeFields(List<KeyValuePair<string, string>> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            var (name, value) = fields[i];
            var safe = WireText.Sanitize(value);
            if (!ReferenceEquals(safe, value))
            {
                fields[i] = new(name, safe);
            }
        }
    }

    private static float StdDev(float m2, long count) => count > 1 ? MathF.Sqrt(Math.Max(0, m2) / (count - 1)) : 0;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Flow table full ({MaxFlows} flows): evicting the flows nearest their timeout; raise --max-flows if this is not a flood")]
    private static partial void LogFlowTableFull(ILogger logger, int maxFlows);
}
