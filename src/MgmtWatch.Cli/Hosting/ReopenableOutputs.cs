using MgmtWatch.Core.Metrics;
using MgmtWatch.Core.Output;
using Microsoft.Extensions.Logging;

namespace MgmtWatch.Cli.Hosting;

/// <summary>
/// The sensor's outputs: EVE, flow log and metrics behind safe decorators, with the files reopenable after
/// logrotate moves them (SIGHUP, as Suricata does).
/// </summary>
internal sealed class ReopenableOutputs : IDisposable
{
    private readonly List<JsonLinesWriter> _files = [];
    private readonly List<SafeSink> _safe = [];

    /// <summary>Opens the outputs; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> (with nothing left open) when one cannot be.</summary>
    public ReopenableOutputs(MonitorSettings settings, ILogger logger)
    {
        var sinks = new List<IEventSink> { new MetricsSink() };
        try
        {
            Open(settings, logger, sinks);
        }
        catch
        {
            foreach (var sink in sinks)
            {
                sink.Dispose();
            }

            throw;
        }

        Sink = new FanOutSink([.. sinks]);
    }

    private void Open(MonitorSettings settings, ILogger logger, List<IEventSink> sinks)
    {
        if (settings.Eve != "none")
        {
            var eve = new EveJsonSink(settings.Eve, append: true);
            _files.Add(eve.Writer);
            sinks.Add(Safe(eve, "EVE output " + settings.Eve, logger, "eve"));
        }

        if (settings.Flows is { } flows)
        {
            if (settings.FlowFormat == "zeek-tsv")
            {
                sinks.Add(Safe(new FlowLogTsvSink(flows), "flow log " + flows, logger, "flows"));
            }
            else
            {
                var log = new FlowLogSink(flows, append: true);
                _files.Add(log.Writer);
                sinks.Add(Safe(log, "flow log " + flows, logger, "flows"));
            }
        }
    }

    /// <summary>Where events go.</summary>
    public FanOutSink Sink { get; }

    /// <summary>Events lost to output failures so far.</summary>
    public long Failures => _safe.Sum(s => s.Failures);

    /// <summary>Reopens every file (after rotation); failures are logged by the safe sinks' next write.</summary>
    public void Reopen()
    {
        foreach (var file in _files)
        {
            try
            {
                file.Reopen();
            }
            catch (IOException)
            {
                // Writing will fail, be counted and retried; the sensor keeps running.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public void Dispose() => Sink.Dispose();

    private SafeSink Safe(IEventSink sink, string name, ILogger logger, string kind)
    {
        var safe = new SafeSink(sink, name, logger, kind);
        _safe.Add(safe);
        return safe;
    }
}
