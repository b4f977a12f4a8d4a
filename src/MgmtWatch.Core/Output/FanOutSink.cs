namespace MgmtWatch.Core.Output;

/// <summary>Sends every event to several sinks, in order.</summary>
public sealed class FanOutSink : IEventSink
{
    private readonly IEventSink[] _sinks;

    /// <summary>Composes <paramref name="sinks"/>.</summary>
    public FanOutSink(params IEventSink[] sinks) => _sinks = sinks;

    /// <inheritdoc/>
    public void Emit(FlowRecord flow)
    {
        foreach (var s in _sinks)
        {
            s.Emit(flow);
        }
    }

    /// <inheritdoc/>
    public void Emit(AnomalyEvent anomaly)
    {
        foreach (var s in _sinks)
        {
            s.Emit(anomaly);
        }
    }

    /// <inheritdoc/>
    public void Emit(AlertEvent alert)
    {
        foreach (var s in _sinks)
        {
            s.Emit(alert);
        }
    }

    /// <inheritdoc/>
    public void Emit(StatsEvent stats)
    {
        foreach (var s in _sinks)
        {
            s.Emit(stats);
        }
    }

    /// <inheritdoc/>
    public void Flush()
    {
        foreach (var s in _sinks)
        {
            s.Flush();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in _sinks)
        {
            s.Dispose();
        }
    }
}
