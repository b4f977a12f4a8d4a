using System.Runtime.InteropServices;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Metrics;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace MgmtWatch.Cli.Hosting;

/// <summary>
/// The sensor: live capture through the analysis pipeline until the host stops. SIGHUP reopens the output
/// files (logrotate) and reloads the model; a model that fails to load, or has another feature schema, is
/// refused and the old one stays in use. SIGTERM and SIGINT stop capture, drain what was captured, end and
/// score every open flow, and write every alert before the process exits.
/// </summary>
internal sealed partial class MonitorService : BackgroundService
{
    private readonly LiveCapture _capture;
    private readonly MonitorSettings _settings;
    private readonly PipelineOptions _options;
    private readonly ILogger<MonitorService> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly ReopenableOutputs _outputs;
    private AnomalyModel? _model;

    /// <summary>
    /// The outputs are opened by the caller before the host starts, so an unwritable file or a taken metrics
    /// port is a clear error and a non-zero exit, not a failed background service.
    /// </summary>
    public MonitorService(LiveCapture capture, MonitorSettings settings, PipelineOptions options, AnomalyModel? model, ReopenableOutputs outputs, ILoggerFactory loggers)
    {
        _capture = capture;
        _outputs = outputs;
        _settings = settings;
        _options = options;
        _model = model;
        _loggers = loggers;
        _logger = loggers.CreateLogger<MonitorService>();
    }

    /// <summary>Why the service stopped other than by a signal (the command then exits non-zero so systemd restarts it).</summary>
    public Exception? Failure { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failure = ex;
            throw;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var outputs = _outputs;
        var options = _options with
        {
            Interface = _capture.Interface,
            Scorer = _model is null ? null : new ModelScorer(_model),
            Baseline = _model?.Profile,
        };
        var pipeline = new AnalysisPipeline(options, outputs.Sink, _loggers.CreateLogger<AnalysisPipeline>());
        var loop = new LiveLoop(_capture, pipeline);
        SensorMetrics.BuildInfo.WithLabels(Commands.TrainCommand.ToolVersion).Set(1);
        if (_model is not null)
        {
            SensorMetrics.ModelInfo.WithLabels(_model.ModelId).Set(1);
        }

        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP must not terminate the sensor
            loop.Post(p => Reload(p, outputs));
        });

        _capture.Start();
        LogStarted(_logger, _capture.Interface, _capture.LinkType, _model?.ModelId ?? "(rules only)");
        var started = DateTimeOffset.UtcNow;
        using var ticker = new Timer(_ => Tick(loop, outputs, pipeline, started), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await loop.RunAsync(stoppingToken).ConfigureAwait(false);

        var summary = pipeline.Summary;
        LogStopped(_logger, summary.Packets, summary.Flows.Created, summary.Alerts, _capture.KernelDropped, _capture.PipelineDrops);
    }

    private long _ticks;
    private long _publishedReceived;
    private long _publishedDropped;
    private long _publishedInterfaceDropped;
    private long _publishedPipeline;

    private void Tick(LiveLoop loop, ReopenableOutputs outputs, AnalysisPipeline pipeline, DateTimeOffset started)
    {
        var i = _capture.Interface;
        SensorMetrics.PacketsReceived.WithLabels(i).Inc(Delta(_capture.KernelReceived, ref _publishedReceived));
        SensorMetrics.PacketsDropped.WithLabels(i).Inc(Delta(_capture.KernelDropped, ref _publishedDropped));
        SensorMetrics.PacketsInterfaceDropped.WithLabels(i).Inc(Delta(_capture.InterfaceDropped, ref _publishedInterfaceDropped));
        SensorMetrics.PipelineDropped.WithLabels("capture_queue").Inc(Delta(_capture.PipelineDrops, ref _publishedPipeline));
        SensorMetrics.CaptureLag.Set(loop.LagSeconds);
        SensorMetrics.FlowsActive.Set(pipeline.ActiveFlows);

        // Events reach the files within a second even on a quiet network (otherwise an alert could wait
        // in memory for 64 KiB of other events), and a failing output is retried, counted and logged.
        loop.Post(_ => outputs.Sink.Flush());

        var interval = _settings.StatsIntervalSeconds;
        if (interval > 0 && ++_ticks % interval == 0)
        {
            loop.Post(p => outputs.Sink.Emit(new StatsEvent
            {
                Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
                Uptime = (long)(DateTimeOffset.UtcNow - started).TotalSeconds,
                KernelPackets = _capture.KernelReceived,
                KernelDrops = _capture.KernelDropped,
                KernelIfDrops = _capture.InterfaceDropped,
                PipelineDrops = _capture.PipelineDrops,
                FlowsActive = p.ActiveFlows,
                FlowsTotal = p.Summary.Flows.Created,
                Alerts = p.Summary.Alerts,
            }));
        }
    }

    private static double Delta(long total, ref long published)
    {
        var delta = total - published;
        published = total;
        return Math.Max(0, delta);
    }

    private void Reload(AnalysisPipeline pipeline, ReopenableOutputs outputs)
    {
        outputs.Sink.Flush();
        outputs.Reopen();
        LogReopened(_logger);
        if (string.IsNullOrEmpty(_settings.Model))
        {
            return;
        }

        try
        {
            var model = AnomalyModel.Load(_settings.Model);
            pipeline.ReplaceModel(new ModelScorer(model), model.Profile);
            if (_model is not null)
            {
                SensorMetrics.ModelInfo.WithLabels(_model.ModelId).Set(0);
            }

            SensorMetrics.ModelInfo.WithLabels(model.ModelId).Set(1);
            LogModelReloaded(_logger, model.ModelId, _settings.Model);
            _model = model;
        }
        catch (ModelLoadException ex)
        {
            LogModelRefused(_logger, ex.Message, _model?.ModelId ?? "(rules only)");
        }
    }

    /// <summary>Starts the Prometheus endpoint (host:port, already validated), or returns null when none is configured.</summary>
    public static MetricServer? StartMetrics(string? listen, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(listen))
        {
            return null;
        }

        var colon = listen.LastIndexOf(':');
        var host = listen[..colon].Trim('[', ']');
        var port = int.Parse(listen[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var server = new MetricServer(hostname: host, port: port);
        try
        {
            server.Start();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        LogMetrics(logger, listen);
        return server;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Monitoring {Interface} (link type {LinkType}), model {ModelId}")]
    private static partial void LogStarted(ILogger logger, string @interface, LinkType linkType, string modelId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Stopped: {Packets} packets, {Flows} flows, {Alerts} alerts; kernel drops {KernelDrops}, queue drops {Dropped}")]
    private static partial void LogStopped(ILogger logger, long packets, long flows, long alerts, long kernelDrops, long dropped);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Reopened output files (SIGHUP)")]
    private static partial void LogReopened(ILogger logger);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Reloaded model {ModelId} from {ModelPath}")]
    private static partial void LogModelReloaded(ILogger logger, string modelId, string modelPath);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Model reload refused: {Reason}; still using {ModelId}")]
    private static partial void LogModelRefused(ILogger logger, string reason, string modelId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Metrics on http://{Listen}/metrics")]
    private static partial void LogMetrics(ILogger logger, string listen);
}
