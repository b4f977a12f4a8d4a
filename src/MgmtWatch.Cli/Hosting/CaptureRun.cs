using MgmtWatch.Core.Capture;
using MgmtWatch.Core.Pipeline;

namespace MgmtWatch.Cli.Hosting;

/// <summary>Reads capture files through a pipeline on a worker thread, with a progress bar when stderr is a terminal.</summary>
internal static class CaptureRun
{
    /// <summary>
    /// Runs to the end of input (or cancellation); returns whether the input was read to its end. With more
    /// than one thread (<paramref name="threads"/>) gzip files are also inflated on a thread of their own.
    /// </summary>
    public static async Task<bool> RunAsync(IReadOnlyList<string> paths, MergeOrder order, AnalysisPipeline pipeline, int threads, bool showProgress, CancellationToken cancellationToken)
    {
        using var source = new CaptureFileSet(paths, order, readAhead: threads > 1);
        var progress = showProgress ? new ProgressDisplay() : null;
        var work = Task.Run(() => PacketLoop.Run(source, pipeline, progress is null ? null : progress.Report, cancellationToken), CancellationToken.None);
        return progress is null ? await work.ConfigureAwait(false) : await progress.RunAsync(work).ConfigureAwait(false);
    }
}
