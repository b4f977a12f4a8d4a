using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Scoring;

namespace MgmtWatch.Core.Pipeline;

/// <summary>
/// Runs a <see cref="VerdictStage"/> on a thread of its own, fed in the front half's order through a
/// bounded queue of batches. Order is the whole design: the stage sees the same calls in the same order as
/// on one thread, so every output is the same byte for byte, and no lock guards any detection state
/// (the model's host context lives on the front thread alone, the rules' state and incidents on this one).
/// Flow records and anomalies travel in pooled instances that the verdict thread hands back, so the hand-off
/// allocates nothing per flow. Bounded: at most <see cref="BatchesInFlight"/> batches wait, after which the
/// front half waits for the verdicts (back-pressure, nothing dropped).
/// </summary>
internal sealed class VerdictThread
{
    private const int BatchSize = 256;
    private const int BatchesInFlight = 8;

    private readonly VerdictStage _stage;
    private readonly string? _interface;
    private readonly Queue<Batch> _full = new(BatchesInFlight);
    private readonly ConcurrentQueue<Batch> _freeBatches = new();
    private readonly ConcurrentQueue<FlowRecord> _freeRecords = new();
    private readonly ConcurrentQueue<AnomalyEvent> _freeAnomalies = new();
    private readonly Thread _thread;
    private Batch _current = new();
    private volatile ExceptionDispatchInfo? _failure;
    private bool _completed;
    private bool _noMoreBatches;

    public VerdictThread(VerdictStage stage, string? interfaceName)
    {
        _stage = stage;
        _interface = interfaceName;
        _thread = new Thread(Run) { IsBackground = true, Name = "mgmtwatch verdicts" };
        _thread.Start();
    }

    /// <summary>A flow record to fill and pass to <see cref="Flow"/>.</summary>
    public FlowRecord RentRecord() => _freeRecords.TryDequeue(out var r) ? r : new FlowRecord { Interface = _interface };

    /// <summary>An anomaly to fill and pass to <see cref="Anomaly"/>.</summary>
    public AnomalyEvent RentAnomaly() => _freeAnomalies.TryDequeue(out var a) ? a : new AnomalyEvent { Interface = _interface };

    public void Flow(FlowRecord record, ModelVerdict? verdict, in FlowEviction? eviction) => Add(new Item(record, verdict, null, null, eviction));

    public void Alert(AlertRequest request) => Add(new Item(null, null, request, null, null));

    public void Anomaly(AnomalyEvent anomaly) => Add(new Item(null, null, null, anomaly, null));

    /// <summary>Sends what is queued, waits for the verdict thread to finish it, and rethrows its failure if it had one.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_current.Count > 0)
        {
            Send(_current);
        }

        EndOfBatches();
        _thread.Join();
        _failure?.Throw();
    }

    /// <summary>Lets the verdict thread end without waiting for it (the front half failed; its results are void).</summary>
    public void Abandon()
    {
        if (!_completed)
        {
            _completed = true;
            EndOfBatches();
        }
    }

    private void Add(in Item item)
    {
        var batch = _current;
        batch.Items[batch.Count++] = item;
        if (batch.Count == BatchSize)
        {
            // A failure on the verdict thread surfaces here, on the caller's thread, as it would have on one thread.
            _failure?.Throw();
            Send(batch);
            _current = _freeBatches.TryDequeue(out var free) ? free : new Batch();
        }
    }

    private void Run()
    {
        while (Receive() is { } batch)
        {
            var items = batch.Items;
            if (_failure is null)
            {
                try
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        ref readonly var item = ref items[i];
                        if (item.Record is { } record)
                        {
                            _stage.Flow(record, item.Verdict, item.Eviction);
                        }
                        else if (item.Alert is { } alert)
                        {
                            _stage.Raise(alert);
                        }
                        else if (item.Anomaly is { } anomaly)
                        {
                            _stage.Anomaly(anomaly);
                        }
                    }
                }
#pragma warning disable CA1031 // Any failure is handed to the front half's thread and rethrown there.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _failure = ExceptionDispatchInfo.Capture(e);
                }
            }

            for (var i = 0; i < batch.Count; i++)
            {
                if (items[i].Record is { } record)
                {
                    _freeRecords.Enqueue(record);
                }
                else if (items[i].Anomaly is { } anomaly)
                {
                    _freeAnomalies.Enqueue(anomaly);
                }

                items[i] = default;
            }

            batch.Count = 0;
            _freeBatches.Enqueue(batch);
        }
    }

    /// <summary>Queues a batch, waiting while <see cref="BatchesInFlight"/> are queued already.</summary>
    private void Send(Batch batch)
    {
        lock (_full)
        {
            while (_full.Count >= BatchesInFlight)
            {
                Monitor.Wait(_full);
            }

            _full.Enqueue(batch);
            Monitor.PulseAll(_full);
        }
    }

    private void EndOfBatches()
    {
        lock (_full)
        {
            _noMoreBatches = true;
            Monitor.PulseAll(_full);
        }
    }

    /// <summary>The next batch, waiting for one; null once the front half has ended and every batch is done.</summary>
    private Batch? Receive()
    {
        lock (_full)
        {
            while (_full.Count == 0 && !_noMoreBatches)
            {
                Monitor.Wait(_full);
            }

            if (_full.Count == 0)
            {
                return null;
            }

            var batch = _full.Dequeue();
            Monitor.PulseAll(_full);
            return batch;
        }
    }

    private readonly record struct Item(FlowRecord? Record, ModelVerdict? Verdict, AlertRequest? Alert, AnomalyEvent? Anomaly, FlowEviction? Eviction);

    private sealed class Batch
    {
        public readonly Item[] Items = new Item[BatchSize];
        public int Count;
    }
}
