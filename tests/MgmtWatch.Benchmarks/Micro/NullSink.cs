using MgmtWatch.Core.Output;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>A sink that writes nothing, so a pipeline benchmark times analysis and not JSON or the disk.</summary>
internal sealed class NullSink : IEventSink
{
    public long Flows { get; private set; }

    public long Anomalies { get; private set; }

    public long Alerts { get; private set; }

    public void Emit(FlowRecord flow) => Flows++;

    public void Emit(AnomalyEvent anomaly) => Anomalies++;

    public void Emit(AlertEvent alert) => Alerts++;

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
