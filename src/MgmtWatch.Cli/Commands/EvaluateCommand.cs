using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using MgmtWatch.Cli.Hosting;
using MgmtWatch.Core.Evaluation;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Pipeline;
using MgmtWatch.Core.Scoring;
using Microsoft.Extensions.Logging;

namespace MgmtWatch.Cli.Commands;

/// <summary><c>mgmtwatch evaluate --model DIR --labels FILE &lt;pcap&gt;...</c>: judge detection against ground truth.</summary>
internal static partial class EvaluateCommand
{
    private static readonly Argument<string[]> Captures = new("pcap")
    {
        Description = "Captures to evaluate on (typically from 'mgmtwatch simulate')",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string> Model = new("--model", "-m")
    {
        Description = "Model directory",
        Required = true,
        HelpName = "DIR",
    };

    private static readonly Option<string?> Labels = new("--labels")
    {
        Description = "Ground truth labels CSV (as 'mgmtwatch simulate --labels' writes it); without it every alert counts as false",
        HelpName = "FILE",
    };

    private static readonly Option<string?> Eve = new("--eve", "-o")
    {
        Description = "Also write the EVE events of the run to FILE",
        HelpName = "FILE",
    };

    public static Command Create()
    {
        PipelineSettings.RejectOptionLikeFiles(Captures);
        var command = new Command("evaluate", "Run detection over captures and score it against ground truth: campaigns caught, false alerts per hour, flow ROC AUC (JSON on stdout)")
        {
            Captures, Model, Labels, Eve,
        };
        PipelineSettings.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var loggerFactory = CliLogging.Configure(parse);
        var logger = loggerFactory.CreateLogger("MgmtWatch.Cli.Evaluate");
        var settingsError = PipelineSettings.TryBuild(parse, out var options, out _);
        if (settingsError is not null)
        {
            LogError(logger, settingsError);
            return ExitCodes.Usage;
        }

        AnomalyModel model;
        LabelSet labels;
        try
        {
            model = AnomalyModel.Load(parse.GetValue(Model)!);
            labels = parse.GetValue(Labels) is { } path ? LabelSet.Load(path) : LabelSet.Empty;
        }
        catch (Exception ex) when (ex is ModelLoadException or InvalidDataException or IOException)
        {
            LogError(logger, ex.Message);
            return ExitCodes.BadInput;
        }

        var evaluation = new EvaluationSink(labels);
        IEventSink sink = parse.GetValue(Eve) is { } evePath ? new FanOutSink(evaluation, new EveJsonSink(evePath)) : evaluation;
        var pipeline = new AnalysisPipeline(options with { Scorer = new ModelScorer(model), Baseline = model.Profile }, sink, loggerFactory.CreateLogger<AnalysisPipeline>());
        var paths = parse.GetValue(Captures)!;
        var completed = await CaptureRun.RunAsync(paths, PipelineSettings.MergeOrderOf(parse), pipeline, options.Threads,
            ProgressDisplay.Wanted(false, parse.GetValue(GlobalOptions.Quiet)), cancellationToken).ConfigureAwait(false);
        sink.Dispose();
        if (!completed)
        {
            return ExitCodes.Interrupted;
        }

        foreach (var error in pipeline.Summary.CaptureErrors)
        {
            LogError(logger, error.ToString());
        }

        using (var stdout = Console.OpenStandardOutput())
        using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            evaluation.WriteReport(writer, model.ModelId, paths);
        }

        await Console.Out.WriteLineAsync().ConfigureAwait(false);
        return pipeline.Summary.CaptureErrors.Count > 0 ? ExitCodes.BadInput : ExitCodes.Ok;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogError(ILogger logger, string reason);
}
