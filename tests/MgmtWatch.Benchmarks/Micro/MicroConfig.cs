using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// One short job for every micro-benchmark, run in this process, with the memory diagnoser. Short
/// (3 warm-up and 3 measured iterations, one launch) because the build machine is shared and the figures
/// that matter most, bytes allocated per packet, do not need long runs; in-process because a generated
/// benchmark project would inherit this repository's warnings-as-errors build rules.
/// </summary>
public sealed class MicroConfig : ManualConfig
{
    public MicroConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess"));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
