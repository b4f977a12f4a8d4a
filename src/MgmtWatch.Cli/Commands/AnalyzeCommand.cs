using System.CommandLine;
using System.Diagnostics;
using MgmtWatch.Cli.Hosting;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using Microsoft.Extensions.Logging;

namespace MgmtWatch.Cli.Commands;

/// <summary><c>mgmtwatch analyze &lt;pcap&gt;...</c>: read captures, write EVE events and the flow log.</summary>
internal static partial class AnalyzeCommand
{
    private static readonly Argument<string[]> Captures = new("pcap")
    {
        Description = "Capture files: pcap or pcapng, optionally gzip-compressed",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string> Eve = new("--eve", "-o")
    {
        Description = "EVE JSON output file, '-' for standard output, 'none' for no EVE output",
        DefaultValueFactory = _ => "-",
        HelpName = "FILE",
    };

    private static readonly Option<string?> Flows = new("--flows")
    {
        Description = "Flow log (Zeek conn.log) output file, '-' for standard output",
        HelpName = "FILE",
    };

    private static readonly Option<string> FlowFormat = new("--flow-format")
    {
        Description = "Flow log format: json (Zeek JSON) or zeek-tsv (Zeek ASCII with header)",
        DefaultValueFactory = _ => "json",
    };

    private static readonly Option<bool> NoFlowEvents = new("--no-flow-events")
    {
        Description = "Leave flow events out of EVE (alerts and anomalies only)",
    };

    private static readonly Option<string?> Model = new("--model", "-m")
    {
        Description = "Model directory (default: models/default when it exists; rules only otherwise)",
        HelpName = "DIR",
    };

    private static readonly Option<bool> NoModel = new("--no-model")
    {
        Description = "Rules only, even when a default model exists",
    };

    private static readonly Option<bool> NoProgress = new("--no-progress")
    {
        Description = "No progress bar (it is shown only when stderr is a terminal)",
    };

    private static readonly Option<bool> FailOnAlert = new("--fail-on-alert")
    {
        Description = "Exit with code 5 when any alert was written",
    };

    public static Command Create()
    {
        FlowFormat.AcceptOnlyFromAmong("json", "zeek-tsv");
        PipelineSettings.RejectOptionLikeFiles(Captures);
        var command = new Command("analyze", "Analyse capture files: flows, protocol anomalies and alerts")
        {
            Captures, Eve, Flows, FlowFormat, NoFlowEvents, Model, NoModel, NoProgress, FailOnAlert,
        };
        PipelineSettings.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var loggerFactory = CliLogging.Configure(parse);
        var logger = loggerFactory.CreateLogger("MgmtWatch.Cli.Analyze");
        var quiet = parse.GetValue(GlobalOptions.Quiet);

        var settingsError = PipelineSettings.TryBuild(parse, out var options, out var keyWarning);
        if (settingsError is not null)
        {
            LogUsage(logger, settingsError);
            return ExitCodes.Usage;
        }

        if (keyWarning is not null)
        {
            LogWarning(logger, keyWarning);
        }

        ModelScorer? scorer = null;
        var modelPath = parse.GetValue(NoModel) ? null : parse.GetValue(Model) ?? (Directory.Exists(DefaultModel) ? DefaultModel : null);
        if (modelPath is not null)
        {
            try
            {
                var model = AnomalyModel.Load(modelPath);
                scorer = new ModelScorer(model);
                options = options with { Scorer = scorer, Baseline = model.Profile };
                LogModel(logger, model.ModelId, modelPath, model.Threshold);
            }
            catch (ModelLoadException ex)
            {
                LogBadModel(logger, ex.Message);
                return ExitCodes.BadInput;
            }
        }

        var eve = parse.GetValue(Eve)!;
        var flowsPath = parse.GetValue(Flows);
        if (eve == "-" && flowsPath == "-")
        {
            LogUsage(logger, "--eve and --flows cannot both write to standard output; give one of them a file");
            return ExitCodes.Usage;
        }

        FanOutSink sink;
        var sinks = new List<IEventSink>();
        try
        {
            if (eve != "none")
            {
                sinks.Add(new SafeSink(new EveJsonSink(eve) { WriteFlows = !parse.GetValue(NoFlowEvents) }, "EVE output " + eve, logger));
            }

            if (flowsPath is not null)
            {
                IEventSink flowSink = parse.GetValue(FlowFormat) == "zeek-tsv" ? new FlowLogTsvSink(flowsPath) : new FlowLogSink(flowsPath);
                sinks.Add(new SafeSink(flowSink, "flow log " + flowsPath, logger));
            }

            sink = new FanOutSink([.. sinks]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogUsage(logger, "cannot open output: " + ex.Message);
            foreach (var s in sinks)
            {
                s.Dispose();
            }

            return ExitCodes.Usage;
        }

        var paths = parse.GetValue(Captures)!;
        var order = PipelineSettings.MergeOrderOf(parse);
        var pipeline = new AnalysisPipeline(options, sink, loggerFactory.CreateLogger<AnalysisPipeline>());
        var clock = Stopwatch.StartNew();
        var completed = await CaptureRun.RunAsync(paths, order, pipeline, options.Threads, ProgressDisplay.Wanted(parse.GetValue(NoProgress), quiet), cancellationToken).ConfigureAwait(false);

        sink.Dispose();
        clock.Stop();
        var summary = pipeline.Summary;
        foreach (var error in summary.CaptureErrors)
        {
            LogCaptureError(logger, error.ToString());
        }

        if (!quiet)
        {
            await Console.Error.WriteAsync(SummaryReport.Render(summary, paths.Length, clock.Elapsed)).ConfigureAwait(false);
        }

        if (scorer is { Drifted: true })
        {
            LogDrift(logger, scorer.NoveltyShare * 100, scorer.BaselinePairsSeenShare * 100);
        }

        var failures = sinks.OfType<SafeSink>().Sum(s => s.Failures);
        if (!completed)
        {
            return ExitCodes.Interrupted;
        }

        if (summary.CaptureErrors.Count > 0)
        {
            return ExitCodes.BadInput;
        }

        if (failures > 0)
        {
            LogOutputLost(logger, failures);
            return ExitCodes.InternalError;
        }

        return parse.GetValue(FailOnAlert) && summary.Alerts > 0 ? ExitCodes.Alerts : ExitCodes.Ok;
    }

    /// <summary>Model used when none is named: the repository's shipped default, relative to the working directory.</summary>
    private const string DefaultModel = "models/default";

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogUsage(ILogger logger, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{CaptureError}")]
    private static partial void LogCaptureError(ILogger logger, string captureError);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Scoring with model {ModelId} from {ModelPath} (threshold {Threshold})")]
    private static partial void LogModel(ILogger logger, string modelId, string modelPath, double threshold);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogBadModel(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Traffic has drifted from the model's baseline: {Percent:0} % of flows are between hosts that never talked in it, and only {SeenPercent:0} % of the baseline's conversations were seen; retrain on a recent baseline ('mgmtwatch train')")]
    private static partial void LogDrift(ILogger logger, double percent, double seenPercent);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "{Failures} writes to the outputs failed; the outputs are incomplete")]
    private static partial void LogOutputLost(ILogger logger, long failures);
}
