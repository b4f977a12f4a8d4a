using BenchmarkDotNet.Attributes;
using MgmtWatch.Core.Features;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// <see cref="BeaconScore.Compute"/> on full series (16 connections, what <see cref="SeriesTracker"/> keeps),
/// as scoring runs it at the end of every flow in a series: pollers with a little jitter and sizes that
/// vary by a few bytes, so that the sorts see values in no learnable order.
/// </summary>
[Config(typeof(MicroConfig))]
public class BeaconScoreBenchmarks
{
    private const int Series = 64;
    private const int Connections = 16;

    private readonly long[][] _starts = new long[Series][];
    private readonly double[][] _sizes = new double[Series][];
    private readonly double[] _scratch = new double[Connections];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        for (var s = 0; s < Series; s++)
        {
            var period = random.Next(30, 600) * 1e9;
            var t = 0L;
            _starts[s] = [.. Enumerable.Range(0, Connections).Select(_ => t += (long)(period * (0.97 + (random.NextDouble() * 0.06))))];
            _sizes[s] = [.. Enumerable.Range(0, Connections).Select(_ => 400.0 + random.Next(40))];
        }
    }

    [Benchmark(OperationsPerInvoke = Series)]
    public double Compute()
    {
        var sum = 0.0;
        for (var s = 0; s < Series; s++)
        {
            sum += BeaconScore.Compute(_starts[s], _sizes[s], _scratch);
        }

        return sum;
    }
}
