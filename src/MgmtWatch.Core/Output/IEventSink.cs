namespace MgmtWatch.Core.Output;

/// <summary>
/// Where events go: EVE JSON, the flow log, metrics, a test's collection. One verb per event type;
/// a sink ignores the types it does not write. Events passed in may be reused by the caller after the
/// call returns.
/// </summary>
public interface IEventSink : IDisposable
{
    /// <summary>A flow ended (or an interim report of a long one).</summary>
    void Emit(FlowRecord flow);

    /// <summary>A protocol anomaly.</summary>
    void Emit(AnomalyEvent anomaly);

    /// <summary>An alert.</summary>
    void Emit(AlertEvent alert);

    /// <summary>Sensor statistics.</summary>
    void Emit(StatsEvent stats);

    /// <summary>Writes buffered events out.</summary>
    void Flush();
}
