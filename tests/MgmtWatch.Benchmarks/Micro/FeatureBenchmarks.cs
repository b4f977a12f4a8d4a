using BenchmarkDotNet.Attributes;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// <see cref="FlowFeatureExtractor.Extract"/> per flow, against the baseline of a model trained on the same
/// traffic, as scoring runs it at every flow end. The flows are the repository's recordings replayed
/// (see <see cref="RecordedFlows"/>); each invocation moves them later in packet time, so the host and
/// series contexts see a site that goes on, not the same minutes again.
/// </summary>
[Config(typeof(MicroConfig))]
public class FeatureBenchmarks
{
    /// <summary>Flows extracted per invocation.</summary>
    public const int FlowsPerInvoke = 256;

    private readonly float[] _features = new float[FeatureSchema.Count];
    private FlowRecord[] _flows = [];
    private long[] _starts = [];
    private long[] _ends = [];
    private long _span;
    private long _round;
    private FlowFeatureExtractor _extractor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var flows = RecordedFlows.Collect(FlowsPerInvoke * 2);
        var model = RecordedFlows.Train(flows);
        _flows = [.. flows.Take(FlowsPerInvoke)];
        _starts = [.. _flows.Select(f => f.Start)];
        _ends = [.. _flows.Select(f => f.End)];
        _span = _ends.Max() - _starts.Min() + 60_000_000_000L;
        _extractor = new FlowFeatureExtractor(model.Profile);
    }

    [Benchmark(OperationsPerInvoke = FlowsPerInvoke)]
    public float Extract()
    {
        var shift = ++_round * _span;
        var sum = 0f;
        for (var i = 0; i < _flows.Length; i++)
        {
            var flow = _flows[i];
            flow.Start = _starts[i] + shift;
            flow.End = _ends[i] + shift;
            _extractor.Extract(flow, _features);
            sum += _features[0];
        }

        return sum;
    }
}
