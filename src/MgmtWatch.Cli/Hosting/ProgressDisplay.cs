using System.Diagnostics;
using System.Globalization;
using MgmtWatch.Core.Pipeline;
using Spectre.Console;

namespace MgmtWatch.Cli.Hosting;

/// <summary>
/// A progress bar on stderr with packets/s and per cent of input read, shown only when stderr is a
/// terminal (never in pipes, logs or CI) and honouring NO_COLOR.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly Lock _gate = new();
    private ReadProgress _latest;

    /// <summary>Whether a bar should be drawn.</summary>
    public static bool Wanted(bool noProgress, bool quiet) =>
        !noProgress && !quiet && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    /// <summary>Receives progress from the reading thread.</summary>
    public void Report(ReadProgress progress)
    {
        lock (_gate)
        {
            _latest = progress;
        }
    }

    /// <summary>Draws the bar until <paramref name="work"/> completes.</summary>
    public async Task<T> RunAsync<T>(Task<T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            ColorSystem = Environment.GetEnvironmentVariable("NO_COLOR") is null ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        var clock = Stopwatch.StartNew();
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("reading", maxValue: 1.0);
                while (!work.IsCompleted)
                {
                    ReadProgress p;
                    lock (_gate)
                    {
                        p = _latest;
                    }

                    var rate = p.Packets / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{p.Packets:N0} packets, {rate:N0}/s");
                    task.Value = p.BytesTotal > 0 ? Math.Min(1.0, (double)p.BytesRead / p.BytesTotal) : 0;
                    await Task.WhenAny(work, Task.Delay(150)).ConfigureAwait(false);
                }

                task.Value = 1.0;
            }).ConfigureAwait(false);
        return await work.ConfigureAwait(false);
    }
}
