using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Pipeline;

/// <summary>
/// A pipeline with <see cref="PipelineOptions.Threads"/> = 2 (the verdict stage on its own thread) against
/// the one-thread pipeline on the same capture: the same run summary, and a failure on the second thread
/// reaches the caller instead of hanging or vanishing. (The CLI tests compare the written outputs byte for byte.)
/// </summary>
public class TwoThreadPipelineTests
{
    private static readonly string Attacks = Path.Combine(RepoPaths.Pcaps, "sim-attacks.pcap");

    [Fact]
    public void TheRunSummaryIsTheOneThreadRunsSummary()
    {
        var model = AnomalyModel.Load(Path.Combine(RepoPaths.Root, "models", "default"));
        var fingerprints = new Core.Analyzers.CredentialFingerprinter(new byte[32]); // one key for both runs
        (CollectingSink Events, RunSummary Summary) Run(int threads) =>
            Analyze.File(Attacks, new PipelineOptions { Scorer = new ModelScorer(model), Baseline = model.Profile, MaxFlows = 60, Threads = threads, Fingerprinter = fingerprints });

        var one = Run(1);
        var two = Run(2);
        Assert.True(one.Summary.Alerts > 10 && one.Summary.Flows.Evicted > 0, "the capture should give alerts and evictions");
        Assert.Equal(one.Summary.Alerts, two.Summary.Alerts);
        Assert.Equal(one.Summary.AlertsSuppressed, two.Summary.AlertsSuppressed);
        Assert.Equal(one.Summary.AnomaliesWritten, two.Summary.AnomaliesWritten);
        Assert.Equal(one.Summary.Flows.Evicted, two.Summary.Flows.Evicted);
        Assert.Equal(one.Summary.FlowsByProtocol, two.Summary.FlowsByProtocol);
        Assert.Equal(one.Summary.FlowsByService, two.Summary.FlowsByService);
        Assert.Equal(one.Summary.Talkers.Top(20), two.Summary.Talkers.Top(20));
        Assert.Equal(one.Events.Flows.Select(Comparable), two.Events.Flows.Select(Comparable));
        Assert.Equal(one.Events.Anomalies, two.Events.Anomalies);
        Assert.Equal(one.Events.Alerts.Select(a => (a.SignatureId, a.Uid, a.Timestamp, a.Description)), two.Events.Alerts.Select(a => (a.SignatureId, a.Uid, a.Timestamp, a.Description)));
    }

    [Fact]
    public void ScoringMovingBetweenTheThreadsChangesNoScoreAndNoOutput()
    {
        // The hand-over drill moves scoring at every decision (every two batches of four items), so the
        // verdict thread and the front take turns dozens of times; each turn must keep the flow order.
        var model = AnomalyModel.Load(Path.Combine(RepoPaths.Root, "models", "default"));
        var fingerprints = new Core.Analyzers.CredentialFingerprinter(new byte[32]);
        PipelineOptions Options(int threads, (int, int)? drill = null) =>
            new() { Scorer = new ModelScorer(model), Baseline = model.Profile, Threads = threads, Fingerprinter = fingerprints, ScoringHandoverDrill = drill };

        var one = Analyze.File(Attacks, Options(1));
        var two = new CollectingSink();
        var pipeline = new AnalysisPipeline(Options(2, (4, 2)), two);
        using (var source = new CaptureFileSet([Attacks], MergeOrder.Time))
        {
            PacketLoop.Run(source, pipeline);
        }

        Assert.True(pipeline.ScoringMoves >= 20, $"scoring moved {pipeline.ScoringMoves} times");
        Assert.True(one.Events.Flows.Count(f => f.Score is not null) > 200, "the flows should be scored");
        Assert.Equal(one.Events.Flows.Select(Comparable), two.Flows.Select(Comparable));
        Assert.Equal(one.Events.Alerts.Select(a => (a.SignatureId, a.Uid, a.Timestamp, a.Description)), two.Alerts.Select(a => (a.SignatureId, a.Uid, a.Timestamp, a.Description)));
    }

    private static readonly Dictionary<string, string> NoFields = [];

    /// <summary>A snapshot whose analyzer fields compare by value (a dictionary compares by reference).</summary>
    private static (FlowSnapshot, string) Comparable(FlowSnapshot f) =>
        (f with { Fields = NoFields }, string.Join(';', f.Fields.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)));

    [Fact]
    public void AnOutputThatThrowsOnTheSecondThreadFailsTheRunOnTheCallersThread()
    {
        var pipeline = new AnalysisPipeline(new PipelineOptions { Threads = 2 }, new ThrowingSink(afterFlows: 50));
        using var source = new CaptureFileSet([Attacks], MergeOrder.Time);
        var thrown = Assert.Throws<IOException>(() => PacketLoop.Run(source, pipeline));
        Assert.Equal("disk on fire", thrown.Message);
    }

    /// <summary>Throws on the flow after <c>afterFlows</c> (a sink outside <see cref="SafeSink"/>, as a library user might write).</summary>
    private sealed class ThrowingSink(int afterFlows) : IEventSink
    {
        private int _flows;

        public void Emit(FlowRecord flow)
        {
            if (++_flows > afterFlows)
            {
                throw new IOException("disk on fire");
            }
        }

        public void Emit(AnomalyEvent anomaly)
        {
        }

        public void Emit(AlertEvent alert)
        {
        }

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
}
