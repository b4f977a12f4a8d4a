using System.Globalization;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Scoring;

namespace MgmtWatch.Core.Pipeline;

/// <summary>
/// The back half of the pipeline: flow rules, incident de-duplication and the outputs. It sees only what the
/// front half (decode, flow table, analyzers, model scoring) hands it, in the front half's order: scored flow
/// records with the model's verdict, alerts already completed with their flow's details, and anomalies. It
/// never reads the flow table, so it can run on a thread of its own (<see cref="PipelineOptions.Threads"/>)
/// and still write exactly what one thread writes.
/// </summary>
internal sealed class VerdictStage
{
    private readonly string? _interface;
    private readonly IEventSink _sink;
    private readonly RunSummary _summary;
    private readonly IncidentTracker _incidents;
    private readonly DetectionSettings _detection;

    /// <summary>
    /// Flows still open on which a rule or the model alerted at an interim record: their later records say
    /// <c>alerted</c> too. Entries leave with the flow's final record, so the set is bounded by open flows.
    /// </summary>
    private readonly HashSet<ulong> _alertedOpenFlows = [];

    private FlowRules _rules;
    private bool _recordAlerted;

    public VerdictStage(PipelineOptions options, IEventSink sink, RunSummary summary)
    {
        _interface = options.Interface;
        _sink = sink;
        _summary = summary;
        _detection = options.Detection;
        _incidents = new IncidentTracker(options.IncidentWindow);
        _rules = new FlowRules(new RuleContext(options.Detection, options.Baseline, RaiseFlowAlert));
    }

    /// <summary>Swaps the baseline the rules compare with (a model reload).</summary>
    public void ReplaceBaseline(Features.IBaselineView? baseline) =>
        _rules = new FlowRules(new RuleContext(_detection, baseline, RaiseFlowAlert));

    /// <summary>
    /// Judges and writes a flow record. <c>Alerted</c> arrives set when an analyzer alerted on the flow, and
    /// the score with <paramref name="verdict"/> when the model scored it (on whichever thread
    /// <see cref="VerdictThread"/> gave scoring to; the model's context depends on nothing the rules do);
    /// <paramref name="eviction"/> is set when the flow table pushed the flow out to make room.
    /// </summary>
    public void Flow(FlowRecord r, ModelVerdict? verdict, in FlowEviction? eviction)
    {
        r.WriteIdentifiers();
        _recordAlerted = false;
        _rules.OnFlowEnd(r);
        if (verdict is not null)
        {
            Raise(new AlertRequest(Signatures.ModelAnomaly, r.End, null, -1, r.OrigHost, r.OrigPort, r.RespHost, r.RespPort,
                r.Protocol, r.IpVersion, verdict.Description, verdict.Evidence, verdict.Reason)
            {
                PcapFilename = r.PcapFilename,
                Score = r.Score,
                Threshold = r.Threshold,
                ModelId = r.ModelId,
            }, r);
            _recordAlerted = true;
        }

        var final = r.Reason != FlowEndReason.Interim;
        if (_recordAlerted || _alertedOpenFlows.Count > 0)
        {
            var earlier = final ? _alertedOpenFlows.Remove(r.FlowId) : _alertedOpenFlows.Contains(r.FlowId);
            if (_recordAlerted && !final)
            {
                _alertedOpenFlows.Add(r.FlowId);
            }

            r.Alerted |= _recordAlerted || earlier;
        }

        if (eviction is { } e)
        {
            Raise(new AlertRequest(Signatures.ResourceExhaustion, Math.Max(e.Now, r.End), null, -1, r.OrigHost, r.OrigPort, r.RespHost, r.RespPort,
                r.Protocol, r.IpVersion,
                string.Create(CultureInfo.InvariantCulture,
                    $"the flow table is full ({e.MaxFlows:N0} flows): flows are being evicted before their timeout ({e.EvictedSoFar:N0} so far); the flow named here was one of them"),
                [new("table", "flows"), new("limit", e.MaxFlows.ToString(CultureInfo.InvariantCulture))], "flow-table")
            {
                PcapFilename = r.PcapFilename,
                AnyHost = true,
            }, r);
        }

        _sink.Emit(r);

        if (final)
        {
            Increment(_summary.FlowsByProtocol, IpProtocol.ZeekName(r.Protocol));
            Increment(_summary.FlowsByService, r.Service ?? "-");
            var bytes = r.OrigIpBytes + r.RespIpBytes;
            _summary.Talkers.Add(r.OrigHost, bytes);
            _summary.Talkers.Add(r.RespHost, bytes);
        }
    }

    /// <summary>Writes an anomaly the front half built.</summary>
    public void Anomaly(AnomalyEvent anomaly) => _sink.Emit(anomaly);

    /// <summary>
    /// De-duplicates an alert into its incident and writes it when it opens one. The flow's details come with
    /// the request (from the front half) or from <paramref name="record"/>, read only when the alert is written
    /// (a flood's millionth repeat costs no strings).
    /// </summary>
    public void Raise(AlertRequest request, FlowRecord? record = null)
    {
        if (!_incidents.Open(request.Signature.Id, request.AnyHost ? default : request.Source,
                request.AnyDestination || request.AnyHost ? default : request.Destination, request.IncidentKey, request.Timestamp))
        {
            _summary.AlertsSuppressed++;
            return;
        }

        var details = request.Details ?? (record is null ? null : DetailsOf(record));
        var alert = new AlertEvent
        {
            Timestamp = request.Timestamp,
            PacketNumber = request.PacketNumber,
            PcapFilename = _interface is null ? request.PcapFilename : null,
            Interface = _interface,
            FlowId = details?.FlowId,
            Source = request.Source,
            Destination = request.Destination,
            SourcePort = request.SourcePort,
            DestinationPort = request.DestinationPort,
            Protocol = request.Protocol,
            IpVersion = request.IpVersion,
            CommunityId = details?.CommunityId,
            AppProto = details?.AppProto,
            SignatureId = request.Signature.Id,
            Revision = request.Signature.Revision,
            Signature = request.Signature.Message,
            Category = request.Signature.Category,
            Severity = request.Signature.Severity,
            Description = WireText.Sanitize(request.Description),
            Evidence = SanitizeEvidence(request.Evidence),
            Uid = details?.Uid,
            Flow = details?.Counters,
            Score = request.Score,
            Threshold = request.Threshold,
            ModelId = request.ModelId,
            Metadata = request.ModelId is null ? null : new Dictionary<string, string[]> { ["model_id"] = [request.ModelId] },
        };
        _summary.Alerts++;
        _sink.Emit(alert);
    }

    /// <summary>Writes what the outputs have buffered.</summary>
    public void Flush() => _sink.Flush();

    private void RaiseFlowAlert(Signature signature, FlowRecord flow, HostAddress source, HostAddress destination,
        string description, IReadOnlyList<KeyValuePair<string, string>> evidence, string? incidentKey, bool anyDestination)
    {
        var forward = source == flow.OrigHost;
        _recordAlerted = true;
        Raise(new AlertRequest(signature, flow.End, null, -1, source, forward ? flow.OrigPort : flow.RespPort,
            destination, forward ? flow.RespPort : flow.OrigPort, flow.Protocol, flow.IpVersion, description, evidence, incidentKey)
        {
            PcapFilename = flow.PcapFilename,
            AnyDestination = anyDestination,
        }, flow);
    }

    /// <summary>An alert's flow details from the flow's record: the same values the flow table held when the record was made.</summary>
    private static AlertFlowDetails DetailsOf(FlowRecord r) =>
        new(r.FlowId, r.Uid, r.CommunityIdText, r.Service, new FlowCounters(r.OrigPackets, r.RespPackets, (long)r.OrigIpBytes, (long)r.RespIpBytes, r.Start));

    /// <summary>Alert evidence through the same gate as flow fields; the list is copied only when a value changes.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>>? SanitizeEvidence(IReadOnlyList<KeyValuePair<string, string>>? evidence)
    {
        if (evidence is null)
        {
            return null;
        }

        List<KeyValuePair<string, string>>? copy = null;
        for (var i = 0; i < evidence.Count; i++)
        {
            var (name, value) = evidence[i];
            var safe = WireText.Sanitize(value);
            if (!ReferenceEquals(safe, value))
            {
                copy ??= [.. evidence];
                copy[i] = new(name, safe);
            }
        }

        return copy ?? evidence;
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}

/// <summary>The flow table evicted the flow to make room: the figures its alert names.</summary>
/// <param name="Now">The table's packet time.</param>
/// <param name="EvictedSoFar">Flows evicted in the run so far.</param>
/// <param name="MaxFlows">The table's limit.</param>
internal readonly record struct FlowEviction(long Now, long EvictedSoFar, int MaxFlows);
