using Microsoft.Extensions.Logging;

namespace MgmtWatch.Core.Output;

/// <summary>
/// Keeps a failing sink (full disk, unwritable file, closed pipe) from stopping capture: the failure is
/// counted and logged, at most once a minute per sink, and the next event tries again.
/// </summary>
public sealed partial class SafeSink : IEventSink
{
    private readonly IEventSink _inner;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly string _kind;
    private long _lastLogged = long.MinValue;

    /// <summary>
    /// Wraps <paramref name="inner"/>, named <paramref name="name"/> in log messages and counted under
    /// <paramref name="kind"/> (a small fixed set: eve, flows) in the output-failure metric.
    /// </summary>
    public SafeSink(IEventSink inner, string name, ILogger logger, string kind = "output")
    {
        _inner = inner;
        _name = name;
        _logger = logger;
        _kind = kind;
    }

    /// <summary>Writes that failed (an event, or a flush of several buffered events).</summary>
    public long Failures { get; private set; }

    /// <inheritdoc/>
    public void Emit(FlowRecord flow)
    {
        try
        {
            _inner.Emit(flow);
        }
        catch (Exception ex) when (IsOutputFailure(ex))
        {
            Failed(ex);
        }
    }

    /// <inheritdoc/>
    public void Emit(AnomalyEvent anomaly)
    {
        try
        {
            _inner.Emit(anomaly);
        }
        catch (Exception ex) when (IsOutputFailure(ex))
        {
            Failed(ex);
        }
    }

    /// <inheritdoc/>
    public void Emit(AlertEvent alert)
    {
        try
        {
            _inner.Emit(alert);
        }
        catch (Exception ex) when (IsOutputFailure(ex))
        {
            Failed(ex);
        }
    }

    /// <inheritdoc/>
    public void Emit(StatsEvent stats)
    {
        try
        {
            _inner.Emit(stats);
        }
        catch (Exception ex) when (IsOutputFailure(ex))
        {
            Failed(ex);
        }
    }

    /// <inheritdoc/>
    public void Flush()
    {
        try
        {
            _inner.Flush();
        }
        catch (Exception ex) when (IsOutputFailure(ex))
        {
            Failed(ex);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            _inner.Dispose();
        }
        catch (Exception ex) when (IsOutputFailure(ex))
        {
            Failed(ex);
        }
    }

    private static bool IsOutputFailure(Exception ex) => ex is IOException or UnauthorizedAccessException or ObjectDisposedException;

    private void Failed(Exception ex)
    {
        Failures++;
        Metrics.SensorMetrics.OutputFailures.WithLabels(_kind).Inc();
        // The first failure is always logged (now − long.MinValue would overflow and hide it), then at most one a minute.
        var now = Environment.TickCount64;
        if (_lastLogged == long.MinValue || now - _lastLogged >= 60_000)
        {
            _lastLogged = now;
            LogWriteFailed(_logger, _name, Failures, ex.Message);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Writing {Output} failed ({Failures} failed writes so far; the events they held are lost): {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string output, long failures, string reason);
}
