using BenchmarkDotNet.Attributes;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// Each registered protocol analyzer on real traffic of its protocol, per packet, through the real
/// pipeline path (<see cref="AnalysisPipeline.Process"/>: decode, flow table, analyzer selection,
/// <c>Inspect</c>, and at flow end <c>OnFlowEnd</c>, the flow rules and the flow record), events going to
/// a sink that writes nothing. The capture is replayed without end (see <see cref="ReplayStream"/>), so
/// the figures are those of steady traffic: every exchange of the capture, over and over. The same packets
/// through a pipeline with no analyzers give the baseline; the difference is what the analyzer costs.
/// </summary>
[Config(typeof(MicroConfig))]
public class AnalyzerBenchmarks
{
    /// <summary>Packets processed per invocation.</summary>
    public const int PacketsPerInvoke = 1024;

    /// <summary>Replays run in set-up, so pools, tables and the JIT are warm before measuring.</summary>
    private const int WarmReplays = 20;

    private AnalysisPipeline _withAnalyzers = null!;
    private AnalysisPipeline _withoutAnalyzers = null!;
    private ReplayStream _withStream = null!;
    private ReplayStream _withoutStream = null!;

    /// <summary>The analyzer whose protocol the capture carries (see <see cref="AnalyzerCaptures"/>).</summary>
    [ParamsSource(nameof(Analyzers))]
    public string Analyzer { get; set; } = "ipmi";

    public static IEnumerable<string> Analyzers() => AnalyzerCaptures.Available();

    [GlobalSetup]
    public void Setup()
    {
        var frames = AnalyzerCaptures.For(Analyzer);
        _withAnalyzers = new AnalysisPipeline(new PipelineOptions(), new NullSink());
        _withoutAnalyzers = new AnalysisPipeline(new PipelineOptions { Analyzers = static () => new AnalyzerRegistry([]) }, new NullSink());
        _withStream = new ReplayStream(frames);
        _withoutStream = new ReplayStream(frames);
        for (var i = 0; i < WarmReplays * frames.Length; i++)
        {
            Feed(_withAnalyzers, _withStream);
            Feed(_withoutAnalyzers, _withoutStream);
        }
    }

    /// <summary>The packets through the pipeline with every built-in analyzer.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void WithAnalyzers()
    {
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            Feed(_withAnalyzers, _withStream);
        }
    }

    /// <summary>The same packets through a pipeline with no analyzer: decode, flows, rules, flow records.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke, Baseline = true)]
    public void WithoutAnalyzers()
    {
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            Feed(_withoutAnalyzers, _withoutStream);
        }
    }

    private static void Feed(AnalysisPipeline pipeline, ReplayStream stream)
    {
        var data = stream.Next(out var info);
        pipeline.Process(info, data);
    }
}
