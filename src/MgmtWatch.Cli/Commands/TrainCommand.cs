using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MgmtWatch.Cli.Hosting;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using MgmtWatch.Core.Training;
using Microsoft.Extensions.Logging;

namespace MgmtWatch.Cli.Commands;

/// <summary><c>mgmtwatch train &lt;pcap&gt;... --out DIR</c>: learn a site's baseline and write a model directory.</summary>
internal static partial class TrainCommand
{
    private static readonly Argument<string[]> Captures = new("pcap")
    {
        Description = "Captures of the site's normal traffic (pcap or pcapng, optionally gzip-compressed)",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Model directory to write (model.zip, model.json, baseline.json)",
        Required = true,
        HelpName = "DIR",
    };

    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed for ML.NET: same inputs and seed give the same model",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<double> Holdout = new("--holdout")
    {
        Description = "Share of the baseline (its end) held back to calibrate the threshold",
        DefaultValueFactory = _ => 0.2,
    };

    private static readonly Option<int> Rank = new("--rank")
    {
        Description = "Principal components kept by RandomizedPca",
        DefaultValueFactory = _ => 10,
    };

    private static readonly Option<double> TargetRate = new("--target-rate")
    {
        Description = "Share of normal flows allowed above the threshold (the false-alert rate the threshold is calibrated to)",
        DefaultValueFactory = _ => 0.0002,
    };

    private static readonly Option<string?> Merge = new("--merge")
    {
        Description = "Existing model directory whose baseline is kept (hosts, pairs and services stay known); the model is refit on the new captures",
        HelpName = "DIR",
    };

    private static readonly Option<string?> ModelId = new("--model-id")
    {
        Description = "Model id (default: bmc-<date of the last training packet>-<hash of the inputs>)",
    };

    private static readonly Option<bool> Force = new("--force")
    {
        Description = "Overwrite an existing model directory",
    };

    private static readonly Option<bool> NoProgress = new("--no-progress")
    {
        Description = "No progress bar",
    };

    public static Command Create()
    {
        PipelineSettings.RejectOptionLikeFiles(Captures);
        Holdout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or >= 0.9)
            {
                r.AddError("--holdout must be between 0 and 0.9");
            }
        });
        TargetRate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or >= 0.5)
            {
                r.AddError("--target-rate must be between 0 and 0.5");
            }
        });
        Rank.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1 || r.GetValueOrDefault<int>() >= FeatureSchema.Count)
            {
                r.AddError($"--rank must be between 1 and {FeatureSchema.Count - 1}");
            }
        });
        var command = new Command("train", "Learn the site's baseline from captures of normal traffic and write a model")
        {
            Captures, Out, Seed, Holdout, Rank, TargetRate, Merge, ModelId, Force, NoProgress,
        };
        PipelineSettings.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var loggerFactory = CliLogging.Configure(parse);
        var logger = loggerFactory.CreateLogger("MgmtWatch.Cli.Train");
        var quiet = parse.GetValue(GlobalOptions.Quiet);
        var outDir = parse.GetValue(Out)!;
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !parse.GetValue(Force))
        {
            LogError(logger, $"{outDir} exists and is not empty; give --force to replace the model in it");
            return ExitCodes.Usage;
        }

        var settingsError = PipelineSettings.TryBuild(parse, out var options, out _);
        if (settingsError is not null)
        {
            LogError(logger, settingsError);
            return ExitCodes.Usage;
        }

        BaselineProfile? previous = null;
        if (parse.GetValue(Merge) is { } mergeDir)
        {
            try
            {
                previous = AnomalyModel.Load(mergeDir).Profile;
            }
            catch (ModelLoadException ex)
            {
                LogError(logger, ex.Message);
                return ExitCodes.BadInput;
            }
        }

        var collector = new FlowCollector();
        var pipeline = new AnalysisPipeline(options with { Scorer = collector }, new Core.Output.FanOutSink(), loggerFactory.CreateLogger<AnalysisPipeline>());
        var paths = parse.GetValue(Captures)!;
        var clock = Stopwatch.StartNew();
        var completed = await CaptureRun.RunAsync(paths, PipelineSettings.MergeOrderOf(parse), pipeline, options.Threads,
            ProgressDisplay.Wanted(parse.GetValue(NoProgress), quiet), cancellationToken).ConfigureAwait(false);
        if (!completed)
        {
            return ExitCodes.Interrupted;
        }

        var summary = pipeline.Summary;
        if (summary.CaptureErrors.Count > 0)
        {
            foreach (var error in summary.CaptureErrors)
            {
                LogError(logger, error.ToString());
            }

            LogError(logger, "no model written: a baseline with unreadable parts would be a model of less than the site");
            return ExitCodes.BadInput;
        }

        var training = new TrainingOptions
        {
            Seed = parse.GetValue(Seed),
            Holdout = parse.GetValue(Holdout),
            Rank = parse.GetValue(Rank),
            TargetRate = parse.GetValue(TargetRate),
            ModelId = parse.GetValue(ModelId),
        };
        string manifest;
        try
        {
            manifest = ModelTrainer.TrainAndSave(collector.Flows, training, outDir, paths, previous, ToolVersion);
        }
        catch (InvalidDataException ex)
        {
            LogError(logger, ex.Message);
            return ExitCodes.BadInput;
        }

        await Console.Out.WriteLineAsync(ModelTrainer.Describe(manifest)).ConfigureAwait(false);
        if (!quiet)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Trained on {collector.Flows.Count:N0} flows from {summary.Packets:N0} packets in {clock.Elapsed.TotalSeconds:F1} s; model written to {outDir}")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>This build's version, recorded in model.json.</summary>
    internal static string ToolVersion => typeof(TrainCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogError(ILogger logger, string reason);
}
