using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using MgmtWatch.Core.Training;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// Finished flows of the repository's four recordings (IPMI, SNMP, TLS, SSH), replayed one after another
/// as a site whose pollers repeat the same exchanges every few minutes (see <see cref="ReplayStream"/>),
/// collected through the real pipeline with its analyzers; and a model trained on them with the real
/// <see cref="ModelTrainer"/>, as <c>mgmtwatch train</c> would.
/// </summary>
internal static class RecordedFlows
{
    private static readonly string[] Recordings = ["ipmi-sim-sessions.pcap", "snmpd-loopback.pcap", "tls-openssl.pcap", "ssh-openssh.pcap"];

    /// <summary>At least <paramref name="count"/> flow records, in the order they ended.</summary>
    public static List<FlowRecord> Collect(int count)
    {
        var frames = Recordings.SelectMany(name => RepoCaptures.Load(RepoCaptures.Repo(name))).ToArray();
        var stream = new ReplayStream(frames);
        var collector = new FlowCollector();
        var pipeline = new AnalysisPipeline(new PipelineOptions { Scorer = collector }, new NullSink());
        while (collector.Flows.Count < count)
        {
            for (var i = 0; i < stream.Length; i++)
            {
                var data = stream.Next(out var info);
                pipeline.Process(info, data);
            }
        }

        return [.. collector.Flows];
    }

    /// <summary>A model trained on <paramref name="flows"/> in a temporary directory, loaded as <c>analyze --model</c> loads it.</summary>
    public static AnomalyModel Train(IReadOnlyList<FlowRecord> flows)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mgmtwatch-bench-model-{Environment.ProcessId}");
        ModelTrainer.TrainAndSave(flows, new TrainingOptions(), directory, [.. Recordings.Select(RepoCaptures.Repo)], null, "benchmark");
        try
        {
            return AnomalyModel.Load(directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
