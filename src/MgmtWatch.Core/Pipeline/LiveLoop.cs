using System.Collections.Concurrent;
using System.Diagnostics;
using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Pipeline;

/// <summary>
/// The analysis side of live monitoring: takes batches from <see cref="LiveCapture"/> and runs them through
/// the same <see cref="AnalysisPipeline"/> as offline analysis. When the wire is quiet, packet time is
/// advanced with the wall clock so a flow that stops still ends, is scored and logged. Requests from other
/// threads (reload a model, reopen outputs, report statistics) run here, between batches, so they never
/// race the pipeline. Whenever it has caught up with capture (no batch waiting) it flushes the outputs, so an
/// alert is in the EVE file within milliseconds of its packet being analysed; under load, events are written
/// in 64 KiB blocks and flushed each time the queue empties.
/// </summary>
public sealed class LiveLoop
{
    /// <summary>How long to wait for a batch before advancing time by the clock.</summary>
    private static readonly TimeSpan IdleTick = TimeSpan.FromMilliseconds(250);

    private readonly LiveCapture _capture;
    private readonly AnalysisPipeline _pipeline;
    private readonly ConcurrentQueue<Action<AnalysisPipeline>> _requests = new();
    private long _lastPacketTime;
    private long _lastPacketClock;

    /// <summary>Runs <paramref name="pipeline"/> on batches from <paramref name="capture"/>.</summary>
    public LiveLoop(LiveCapture capture, AnalysisPipeline pipeline)
    {
        _capture = capture;
        _pipeline = pipeline;
    }

    /// <summary>Wall clock minus the time of the newest packet analysed (seconds): how far analysis lags.</summary>
    public double LagSeconds { get; private set; }

    /// <summary>Asks the analysis thread to run <paramref name="request"/> between batches.</summary>
    public void Post(Action<AnalysisPipeline> request) => _requests.Enqueue(request);

    /// <summary>
    /// Processes batches until <paramref name="stopping"/> is cancelled, then stops capture, drains what was
    /// captured, and ends every flow (so no alert for captured traffic is lost).
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var reader = _capture.Batches;
        while (!stopping.IsCancellationRequested)
        {
            RunRequests();
            if (reader.TryRead(out var ready))
            {
                Process(ready);
                continue;
            }

            // Caught up: make what was written so far readable before waiting for more.
            _pipeline.FlushOutputs();
            PacketBatch? batch = null;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                idle.CancelAfter(IdleTick);
                try
                {
                    if (await reader.WaitToReadAsync(idle.Token).ConfigureAwait(false))
                    {
                        reader.TryRead(out batch);
                    }
                    else
                    {
                        break; // capture ended (error or end of input)
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }

            if (batch is null)
            {
                AdvanceByClock();
                continue;
            }

            Process(batch);
        }

        _capture.Stop();
        while (reader.TryRead(out var rest))
        {
            Process(rest);
        }

        RunRequests();
        _pipeline.Finish();
    }

    private void Process(PacketBatch batch)
    {
        var info = new PacketInfo { LinkType = _capture.LinkType };
        for (var i = 0; i < batch.Count; i++)
        {
            var data = batch.Data(i);
            info.Timestamp = batch.Timestamp(i);
            info.CaptureLength = data.Length;
            info.WireLength = batch.WireLength(i);
            _pipeline.Process(info, data);
        }

        if (batch.Count > 0)
        {
            _lastPacketTime = batch.Timestamp(batch.Count - 1);
            _lastPacketClock = Stopwatch.GetTimestamp();
            LagSeconds = Math.Max(0, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 - _lastPacketTime) * 1e-9);
        }

        _capture.Return(batch);
    }

    private void AdvanceByClock()
    {
        if (_lastPacketClock == 0)
        {
            return;
        }

        // Packet time moves on by the wall-clock time since the last packet, so idle flows expire.
        var elapsed = Stopwatch.GetElapsedTime(_lastPacketClock);
        _pipeline.AdvanceTime(_lastPacketTime + (long)(elapsed.TotalSeconds * 1e9));
    }

    private void RunRequests()
    {
        while (_requests.TryDequeue(out var request))
        {
            request(_pipeline);
        }
    }
}
