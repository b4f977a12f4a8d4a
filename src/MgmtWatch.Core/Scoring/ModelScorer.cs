using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Scoring;

/// <summary>
/// Scores flows with a trained <see cref="AnomalyModel"/> and explains the ones above its threshold: the
/// features that contributed most, each observed versus the baseline.
/// </summary>
public sealed class ModelScorer : IFlowScorer
{
    /// <summary>Features named in an explanation: enough to say why, few enough to read.</summary>
    private const int ExplainedFeatures = 3;

    private readonly AnomalyModel _model;
    private readonly FlowFeatureExtractor _extractor;
    private readonly float[] _features = new float[FeatureSchema.Count];
    private readonly float[] _contributions = new float[FeatureSchema.Count];

    /// <summary>Scores with <paramref name="model"/>.</summary>
    public ModelScorer(AnomalyModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _extractor = new FlowFeatureExtractor(model.Profile);
    }

    /// <summary>Flows scored.</summary>
    public long Scored { get; private set; }

    /// <summary>Flows scored above the threshold.</summary>
    public long AboveThreshold { get; private set; }

    /// <summary>Share of scored flows from or to a host, pair or service unknown to the baseline (drift).</summary>
    public double NoveltyShare => Scored == 0 ? 0 : (double)_novel / Scored;

    /// <summary>
    /// Share of the baseline's conversations (originator, responder) seen again in the scored traffic. An
    /// attack adds new pairs but leaves the site's own conversations in place; a site that changed (new
    /// addresses, another network) loses them, so drift needs both many new pairs and few old ones.
    /// </summary>
    public double BaselinePairsSeenShare => _model.Profile.PairCount == 0 ? 1 : (double)_seenPairs.Count / _model.Profile.PairCount;

    /// <summary>Whether the traffic has drifted from the baseline: most flows new, most of the baseline gone.</summary>
    public bool Drifted => Scored >= 100 && NoveltyShare > 0.25 && BaselinePairsSeenShare < 0.5;

    private long _novel;

    // Known pairs only, so bounded by the baseline's size.
    private readonly HashSet<(HostAddress, HostAddress)> _seenPairs = [];

    /// <inheritdoc/>
    public ModelVerdict? Score(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _extractor.Extract(flow, _features, record: flow.Reason != FlowEndReason.Interim);
        var score = _model.Score(_features, default); // contributions only for the few flows that alert, below
        Metrics.SensorMetrics.ScoreDuration.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        Scored++;
        if (_features[FeatureSchema.PairNew] > 0.5f)
        {
            _novel++;
        }
        else
        {
            _seenPairs.Add((flow.OrigHost, flow.RespHost));
        }

        flow.Score = score;
        flow.Threshold = _model.Threshold;
        flow.ModelId = _model.ModelId;
        if (score <= _model.Threshold)
        {
            return null;
        }

        AboveThreshold++;
        _model.Score(_features, _contributions);
        var top = Enumerable.Range(0, FeatureSchema.Count)
            .OrderByDescending(i => _contributions[i]).ThenBy(i => i)
            .Take(ExplainedFeatures).ToList();
        var evidence = new List<KeyValuePair<string, string>>(ExplainedFeatures);
        var reasons = new List<string>(ExplainedFeatures);
        foreach (var i in top)
        {
            var observed = FeatureSchema.Display(i, _features[i]);
            var baseline = FeatureSchema.Display(i, _model.BaselineMean(i));
            evidence.Add(new(FeatureSchema.Names[i], $"{observed} (baseline {baseline})"));
            reasons.Add(FeatureSchema.Meanings[i]);
        }

        var who = _model.Profile.IsBmc(flow.OrigHost) ? $"{flow.OrigHost}, a BMC," : flow.OrigHost.ToString();
        var service = flow.Service ?? ServiceKey.Of(flow.Protocol, flow.RespPort);
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{who} reached {flow.RespHost}:{flow.RespPort} ({service}) with a flow scored {score:0.0} against threshold {_model.Threshold:0.0}: {string.Join("; ", reasons)}");
        return new ModelVerdict(description, evidence, FeatureSchema.Names[top[0]]);
    }
}
