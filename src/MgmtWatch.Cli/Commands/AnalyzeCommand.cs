using System.CommandLine;
using System.Diagnostics;
using MgmtWatch.Cli.Hosting;
using MgmtWatch.Core.Analyzers;
using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
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

    private static readonly Option<string> Order = new("--order")
    {
        Description = "With several files: 'time' merges packets by timestamp (mergecap's default), 'given' reads each file whole in the order given",
        DefaultValueFactory = _ => "time",
    };

    private static readonly Option<string[]> Timeouts = new("--timeout")
    {
        Description = "Flow timeout NAME=SECONDS; names: tcp (300), tcp-closed (5), udp (60), icmp (60), other (60), interim (1800; 0 = none). Repeatable",
        HelpName = "NAME=SECONDS",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<int> MaxFlows = new("--max-flows")
    {
        Description = "Concurrent flows at most; beyond it the flow nearest its timeout is evicted",
        DefaultValueFactory = _ => FlowTable.DefaultMaxFlows,
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
        Order.AcceptOnlyFromAmong("time", "given");
        Captures.Validators.Add(r =>
        {
            // An unknown option would otherwise be taken for one more file name (and fail as "no such
            // file"); a file whose name starts with '-' can still be given as ./-name.
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (value.StartsWith('-') && value != "-")
                {
                    r.AddError($"unknown option '{value}'");
                }
            }
        });
        MaxFlows.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--max-flows must be at least 1");
            }
        });

        var command = new Command("analyze", "Analyse capture files: flows, protocol anomalies and alerts")
        {
            Captures, Eve, Flows, FlowFormat, NoFlowEvents, Order, Timeouts, MaxFlows, NoProgress, FailOnAlert,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var loggerFactory = CliLogging.Configure(parse);
        var logger = loggerFactory.CreateLogger("MgmtWatch.Cli.Analyze");
        var quiet = parse.GetValue(GlobalOptions.Quiet);

        var timeoutError = FlowTimeouts.TryParse(parse.GetValue(Timeouts) ?? [], new FlowTimeouts(), out var timeouts);
        if (timeoutError is not null)
        {
            LogUsage(logger, timeoutError);
            return ExitCodes.Usage;
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
        var order = parse.GetValue(Order) == "given" ? MergeOrder.Given : MergeOrder.Time;
        // Credentials (SNMP communities, user names) are written only as keyed fingerprints; one key per
        // installation keeps them comparable across runs and re-reads of a capture byte-identical.
        var fingerprints = CredentialFingerprinter.LoadOrCreate(CredentialFingerprinter.DefaultPath(), out var keyWarning);
        if (keyWarning is not null)
        {
            LogFingerprintKey(logger, keyWarning);
        }

        var options = new PipelineOptions { Timeouts = timeouts, MaxFlows = parse.GetValue(MaxFlows), Fingerprinter = fingerprints };
        var pipeline = new AnalysisPipeline(options, sink, loggerFactory.CreateLogger<AnalysisPipeline>());
        var clock = Stopwatch.StartNew();
        bool completed;
        using (var source = new CaptureFileSet(paths, order))
        {
            var progress = ProgressDisplay.Wanted(parse.GetValue(NoProgress), quiet) ? new ProgressDisplay() : null;
            var work = Task.Run(() => PacketLoop.Run(source, pipeline, progress is null ? null : progress.Report, cancellationToken), CancellationToken.None);
            completed = progress is null ? await work.ConfigureAwait(false) : await progress.RunAsync(work).ConfigureAwait(false);
        }

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

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogUsage(ILogger logger, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{CaptureError}")]
    private static partial void LogCaptureError(ILogger logger, string captureError);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Problem}")]
    private static partial void LogFingerprintKey(ILogger logger, string problem);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "{Failures} events could not be written; the outputs are incomplete")]
    private static partial void LogOutputLost(ILogger logger, long failures);
}
