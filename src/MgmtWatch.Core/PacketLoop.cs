using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Pipeline;

/// <summary>Reads a packet source to its end through a pipeline, reporting progress and honouring cancellation.</summary>
public static class PacketLoop
{
    /// <summary>Packets between progress reports and cancellation checks: cheap enough to be invisible, frequent enough to answer Ctrl-C at once.</summary>
    private const int CheckInterval = 16_384;

    /// <summary>
    /// Feeds every packet of <paramref name="source"/> to <paramref name="pipeline"/>, then finishes it.
    /// Returns true if the input was read to its end, false if cancelled.
    /// </summary>
    public static bool Run(IPacketSource source, AnalysisPipeline pipeline, Action<ReadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.SetSources(source.SourceNames);
        var completed = true;
        var countdown = CheckInterval;
        long packets = 0;
        try
        {
            while (source.MoveNext())
            {
                pipeline.Process(source.Current, source.Data);
                packets++;
                if (--countdown == 0)
                {
                    countdown = CheckInterval;
                    progress?.Invoke(new ReadProgress(packets, source.BytesConsumed, source.BytesTotal));
                    if (cancellationToken.IsCancellationRequested)
                    {
                        completed = false;
                        break;
                    }
                }
            }
        }
        catch
        {
            pipeline.Abandon();
            throw;
        }

        progress?.Invoke(new ReadProgress(packets, source.BytesConsumed, source.BytesTotal));
        pipeline.Finish();
        pipeline.Summary.CaptureErrors.AddRange(source.Errors);
        return completed;
    }
}

/// <summary>How far reading has come.</summary>
/// <param name="Packets">Packets read.</param>
/// <param name="BytesRead">Input bytes consumed.</param>
/// <param name="BytesTotal">Input bytes in all, 0 if unknown.</param>
public readonly record struct ReadProgress(long Packets, long BytesRead, long BytesTotal);
