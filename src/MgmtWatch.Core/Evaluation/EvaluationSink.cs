using System.Text.Json;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Evaluation;

/// <summary>
/// Collects what an analysis emitted and judges it against ground truth: which campaigns were caught, how
/// many alerts were false, and how well flow scores separate malicious from normal flows (ROC AUC).
/// </summary>
public sealed class EvaluationSink : IEventSink
{
    /// <summary>
    /// How far after a labelled pattern an alert may come and still be about it: alerts are written when
    /// flows end, up to a TCP idle timeout (5 min) after their last packet, or at an interim report.
    /// </summary>
    public static readonly TimeSpan AlertSlack = TimeSpan.FromMinutes(15);

    private readonly LabelSet _labels;
    private readonly List<(double Model, double Detector, bool Positive)> _flows = [];
    private readonly List<(int Sid, HostAddress Source, ushort? SourcePort, HostAddress Destination, ushort? DestinationPort, long Time)> _alerts = [];
    private long _first = long.MaxValue;
    private long _last = long.MinValue;

    /// <summary>Judges against <paramref name="labels"/>.</summary>
    public EvaluationSink(LabelSet labels) => _labels = labels;

    /// <inheritdoc/>
    public void Emit(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _first = Math.Min(_first, flow.Start);
        _last = Math.Max(_last, flow.End);
        if (flow.Reason == FlowEndReason.Interim)
        {
            return;
        }

        var positive = _labels.IsMalicious(flow.OrigHost, flow.OrigPort, flow.RespHost, flow.RespPort, flow.Protocol, flow.Start, flow.End);
        var model = flow.Score is { } s && flow.Threshold is { } t && t > 0 ? s / t : 0;

        // The detector's verdict on a flow: any alert on it (rules included) ranks it above every flow without one.
        var detector = (flow.Alerted ? 1_000_000 : 0) + model;
        _flows.Add((model, detector, positive));
    }

    /// <inheritdoc/>
    public void Emit(AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        _alerts.Add((alert.SignatureId, alert.Source, alert.SourcePort, alert.Destination, alert.DestinationPort, alert.Timestamp));
    }

    /// <inheritdoc/>
    public void Emit(AnomalyEvent anomaly)
    {
    }

    /// <inheritdoc/>
    public void Emit(StatsEvent stats)
    {
    }

    /// <inheritdoc/>
    public void Flush()
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Writes the report as one JSON object.</summary>
    public void WriteReport(Utf8JsonWriter w, string? modelId, IReadOnlyList<string> captures)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(captures);
        var slack = AlertSlack.Ticks * 100;
        var hours = _last > _first ? (_last - _first) / 3.6e12 : 0;
        var matched = new bool[_alerts.Count];
        w.WriteStartObject();
        if (modelId is not null)
        {
            w.WriteString("model_id", modelId);
        }

        w.WriteStartArray("captures");
        foreach (var c in captures)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteNumber("hours", Math.Round(hours, 3));
        w.WriteNumber("flows", _flows.Count);
        w.WriteNumber("malicious_flows", _flows.Count(f => f.Positive));
        w.WriteNumber("alerts", _alerts.Count);

        var caught = 0;
        w.WriteStartArray("campaigns");
        foreach (var (campaign, attack) in _labels.Campaigns)
        {
            var rows = _labels.Rows.Where(r => r.Campaign == campaign).ToList();
            var start = rows.Min(r => r.Start);
            var hits = new List<int>();
            for (var i = 0; i < _alerts.Count; i++)
            {
                var a = _alerts[i];
                if (rows.Any(r => r.MatchesAlert(a.Source, a.SourcePort, a.Destination, a.DestinationPort, a.Time, slack)))
                {
                    hits.Add(i);
                    matched[i] = true;
                }
            }

            w.WriteStartObject();
            w.WriteString("campaign", campaign);
            w.WriteString("attack", attack);
            w.WriteBoolean("caught", hits.Count > 0);
            w.WriteNumber("alerts", hits.Count);
            if (hits.Count > 0)
            {
                caught++;
                w.WriteNumber("first_alert_after_seconds", Math.Round(Math.Max(0, hits.Min(i => _alerts[i].Time) - start) / 1e9, 3));
                w.WriteStartArray("signature_ids");
                foreach (var sid in hits.Select(i => _alerts[i].Sid).Distinct().Order())
                {
                    w.WriteNumberValue(sid);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("campaigns_caught", caught);
        w.WriteNumber("campaigns_missed", _labels.Campaigns.Count - caught);

        var falseAlerts = Enumerable.Range(0, _alerts.Count).Where(i => !matched[i]).ToList();
        w.WriteNumber("false_alerts", falseAlerts.Count);
        w.WriteNumber("false_alerts_per_hour", hours > 0 ? Math.Round(falseAlerts.Count / hours, 3) : 0);
        w.WriteStartObject("false_alerts_by_signature");
        foreach (var g in falseAlerts.GroupBy(i => _alerts[i].Sid).OrderBy(g => g.Key))
        {
            w.WriteNumber(g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g.Count());
        }

        w.WriteEndObject();
        WriteAuc(w, "roc_auc_model", RocAuc.Compute(_flows.Select(f => (f.Model, f.Positive)).ToList()));
        WriteAuc(w, "roc_auc_detector", RocAuc.Compute(_flows.Select(f => (f.Detector, f.Positive)).ToList()));
        w.WriteEndObject();
    }

    private static void WriteAuc(Utf8JsonWriter w, string name, double? auc)
    {
        if (auc is { } v)
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
    }
}
