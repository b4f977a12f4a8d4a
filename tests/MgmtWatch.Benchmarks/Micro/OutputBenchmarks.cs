using BenchmarkDotNet.Attributes;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// Writing a finished flow as <c>analyze</c> does: the EVE flow event and the flow log (Zeek conn JSON)
/// record, with a score, threshold and model id as a model run gives them, to writers whose 64 KiB
/// writes go to <see cref="Stream.Null"/> (the lines are built in full; only the file system is left out).
/// The flows are the repository's recordings through the real pipeline with its analyzers (see
/// <see cref="RecordedFlows"/>), so each carries the analyzer fields it would in a real run.
/// </summary>
[Config(typeof(MicroConfig))]
public class OutputBenchmarks
{
    /// <summary>Flows written per invocation.</summary>
    public const int FlowsPerInvoke = 256;

    private FlowRecord[] _flows = [];
    private EveJsonSink _eve = null!;
    private FlowLogSink _flowLog = null!;

    [GlobalSetup]
    public void Setup()
    {
        _flows = [.. RecordedFlows.Collect(FlowsPerInvoke).Take(FlowsPerInvoke)];
        for (var i = 0; i < _flows.Length; i++)
        {
            _flows[i].Score = 1.234567 + i;
            _flows[i].Threshold = 5.636617;
            _flows[i].ModelId = "bmc-20260302-0af4f095";
        }

        _eve = new EveJsonSink(new JsonLinesWriter(Stream.Null));
        _flowLog = new FlowLogSink(new JsonLinesWriter(Stream.Null));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _eve.Dispose();
        _flowLog.Dispose();
    }

    [Benchmark(OperationsPerInvoke = FlowsPerInvoke)]
    public long EveFlowEvent()
    {
        foreach (var flow in _flows)
        {
            _eve.Emit(flow);
        }

        return _eve.Writer.Lines;
    }

    [Benchmark(OperationsPerInvoke = FlowsPerInvoke)]
    public long FlowLogRecord()
    {
        foreach (var flow in _flows)
        {
            _flowLog.Emit(flow);
        }

        return _flowLog.Writer.Lines;
    }
}
