using BenchmarkDotNet.Attributes;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Scoring;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// Scoring per flow with a model trained in set-up by the real <c>ModelTrainer</c> on the repository's
/// recordings (see <see cref="RecordedFlows"/>): the model alone on ready feature vectors
/// (<see cref="AnomalyModel.Score"/>), and the whole scoring step of a flow record
/// (<see cref="ModelScorer.Score"/>: features against the baseline and the host and series context,
/// then the score). The records are scored as interim reports, which read the host and series context
/// without adding to it: repeating the same flows as final records would grow each series' connection
/// count without end, until every flow scored above the threshold and the benchmark timed explanations.
/// </summary>
[Config(typeof(MicroConfig))]
public class ScoringBenchmarks
{
    /// <summary>Flows scored per invocation.</summary>
    public const int FlowsPerInvoke = 256;

    private readonly float[] _contributions = new float[FeatureSchema.Count];
    private AnomalyModel _model = null!;
    private ModelScorer _scorer = null!;
    private float[][] _vectors = [];
    private FlowRecord[] _flows = [];

    [GlobalSetup]
    public void Setup()
    {
        var flows = RecordedFlows.Collect(FlowsPerInvoke * 2);
        _model = RecordedFlows.Train(flows);
        _scorer = new ModelScorer(_model);
        _flows = [.. flows.Skip(flows.Count - FlowsPerInvoke)];
        var extractor = new FlowFeatureExtractor(_model.Profile);
        _vectors = [.. _flows.Select(f =>
        {
            var v = new float[FeatureSchema.Count];
            extractor.Extract(f, v);
            return v;
        })];
        foreach (var flow in _flows)
        {
            // The context now holds every flow once, as it would after their final records.
            _scorer.Score(flow);
            flow.Reason = FlowEndReason.Interim;
        }
    }

    /// <summary>The model's score of one ready feature vector, with the per-feature contributions explanations use.</summary>
    [Benchmark(OperationsPerInvoke = FlowsPerInvoke)]
    public double ModelScore()
    {
        var sum = 0.0;
        foreach (var v in _vectors)
        {
            sum += _model.Score(v, _contributions);
        }

        return sum;
    }

    /// <summary>What scoring a flow record costs with a model loaded: its features, then its score.</summary>
    [Benchmark(OperationsPerInvoke = FlowsPerInvoke)]
    public int FlowScore()
    {
        var alerts = 0;
        foreach (var flow in _flows)
        {
            alerts += _scorer.Score(flow) is null ? 0 : 1;
        }

        return alerts;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (FlowScore() > FlowsPerInvoke / 10)
        {
            throw new InvalidOperationException("most flows scored above the threshold: the benchmark timed explanations, not scoring");
        }
    }
}
