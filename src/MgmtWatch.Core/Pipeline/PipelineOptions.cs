using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Scoring;

namespace MgmtWatch.Core.Pipeline;

/// <summary>Settings of one analysis pipeline.</summary>
public sealed record PipelineOptions
{
    /// <summary>Flow timeouts.</summary>
    public FlowTimeouts Timeouts { get; init; } = new();

    /// <summary>Concurrent flows at most; beyond it the flow nearest its timeout is evicted.</summary>
    public int MaxFlows { get; init; } = FlowTable.DefaultMaxFlows;

    /// <summary>Live interface name (EVE <c>in_iface</c>); null when reading files.</summary>
    public string? Interface { get; init; }

    /// <summary>
    /// Anomaly events written per event name per minute of packet time. A capture full of one broken
    /// packet type (or an attacker) would otherwise turn EVE into a copy of the capture; the rest are
    /// counted in the summary.
    /// </summary>
    public int AnomaliesPerMinute { get; init; } = 100;

    /// <summary>Creates the analyzers (fresh instances per pipeline: they hold per-flow state).</summary>
    public Func<AnalyzerRegistry> Analyzers { get; init; } = AnalyzerRegistry.CreateDefault;

    /// <summary>Fingerprints credentials; by default a key for this run only.</summary>
    public CredentialFingerprinter? Fingerprinter { get; init; }

    /// <summary>Rule thresholds.</summary>
    public DetectionSettings Detection { get; init; } = DetectionSettings.Default;

    /// <summary>The trained model's baseline, for rules that compare with it; null when running rules only.</summary>
    public Features.IBaselineView? Baseline { get; init; }

    /// <summary>Scores flows (a trained model) or records them (training); null for neither.</summary>
    public IFlowScorer? Scorer { get; init; }

    /// <summary>Site knowledge for rules (manager networks); by default none.</summary>
    public SiteSettings Site { get; init; } = SiteSettings.Default;

    /// <summary>Repeats of one incident within this packet-time window give one alert (STYLE: alerts are for people).</summary>
    public TimeSpan IncidentWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Threads: 1 runs everything on the caller's thread; 2 or more put the verdict stage (rules,
    /// incidents, writing the outputs) on a second thread, with the same outputs. More than two gain nothing
    /// yet: the pipeline has two stages.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Tests only: with two threads, batches of this many items and scoring moved between the threads at every
    /// decision (every <c>DecisionBatches</c> batches) whoever waits, to exercise the hand-over.
    /// </summary>
    internal (int BatchSize, int DecisionBatches)? ScoringHandoverDrill { get; init; }
}
