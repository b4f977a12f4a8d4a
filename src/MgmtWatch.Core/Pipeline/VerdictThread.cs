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
/// <para>
/// Model scoring goes to whichever thread has time. Which one that is depends on the traffic: many short
/// flows with little protocol work leave the front thread idle and the verdict thread writing records, rich
/// protocol traffic the reverse. Every <see cref="DecisionBatches"/> batches the front compares how often each
/// side waited for the other and moves scoring when one side clearly did. Scoring stays in flow order either
/// way: the verdict thread scores only records queued after the front stopped, and before the front takes
/// scoring back it waits until the verdict thread has scored everything queued, so the scores, and every
/// output, are the same as on one thread.
/// </para>
/// </summary>
internal sealed class VerdictThread
{
    private const int BatchesInFlight = 8;

    /// <summary>Batches between decisions on where scoring runs.</summary>
    private const int DecisionBatches = 32;

    /// <summary>Waits that show a side is the bottleneck: a quarter of the window, four times the other side's.</summary>
    private const int DecisiveWaits = DecisionBatches / 4;

    private readonly int _batchSize = 256;
    private readonly int _decisionBatches = DecisionBatches;
    private readonly bool _drill;

    private readonly VerdictStage _stage;
    private readonly IFlowScorer? _scorer;
    private readonly string? _interface;
    private readonly Queue<Batch> _full = new(BatchesInFlight);
    private readonly ConcurrentQueue<Batch> _freeBatches = new();
    private readonly ConcurrentQueue<FlowRecord> _freeRecords = new();
    private readonly ConcurrentQueue<AnomalyEvent> _freeAnomalies = new();
    private readonly Thread _thread;
    private Batch _current;
    private volatile ExceptionDispatchInfo? _failure;
    private bool _completed;
    private bool _noMoreBatches;

    // Under the lock of _full: batches sent and finished, and the waits of each side since the last decision.
    private long _sent;
    private long _finished;
    private int _frontWaits;
    private int _verdictWaits;
    private int _batchesSinceDecision;

    /// <param name="stage">The stage to run.</param>
    /// <param name="scorer">The model scorer, whose scoring may move to this thread; null without a model.</param>
    /// <param name="interfaceName">The live interface records name, if any.</param>
    /// <param name="drill">Tests: batch size and decision window, scoring moving at every decision.</param>
    public VerdictThread(VerdictStage stage, IFlowScorer? scorer, string? interfaceName, (int BatchSize, int DecisionBatches)? drill = null)
    {
        _stage = stage;
        _scorer = scorer;
        if (drill is { } d)
        {
            (_batchSize, _decisionBatches, _drill) = (d.BatchSize, d.DecisionBatches, true);
        }

        _current = new Batch(_batchSize);
        _interface = interfaceName;
        _thread = new Thread(Run) { IsBackground = true, Name = "mgmtwatch verdicts" };
        _thread.Start();
    }

    /// <summary>A flow record to fill and pass to <see cref="Flow"/>.</summary>
    public FlowRecord RentRecord() => _freeRecords.TryDequeue(out var r) ? r : new FlowRecord { Interface = _interface };

    /// <summary>An anomaly to fill and pass to <see cref="Anomaly"/>.</summary>
    public AnomalyEvent RentAnomaly() => _freeAnomalies.TryDequeue(out var a) ? a : new AnomalyEvent { Interface = _interface };

    /// <summary>
    /// True while this thread scores the flows: the front passes records unscored. Changes only inside a call
    /// of <see cref="Flow"/>, <see cref="Alert"/> or <see cref="Anomaly"/>, so read it just before passing a record.
    /// </summary>
    public bool ScoresFlows { get; private set; }

    /// <summary>Times scoring moved from one thread to the other (for tests and the curious).</summary>
    public int ScoringMoves { get; private set; }

    /// <summary>A record to run the stage on: scored already (<paramref name="verdict"/>), or scored here when <see cref="ScoresFlows"/>.</summary>
    public void Flow(FlowRecord record, ModelVerdict? verdict, in FlowEviction? eviction) => Add(new Item(record, verdict, null, null, eviction, ScoresFlows));

    public void Alert(AlertRequest request) => Add(new Item(null, null, request, null, null, false));

    public void Anomaly(AnomalyEvent anomaly) => Add(new Item(null, null, null, anomaly, null, false));

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
        if (batch.Count == _batchSize)
        {
            // A failure on the verdict thread surfaces here, on the caller's thread, as it would have on one thread.
            _failure?.Throw();
            Send(batch);
            _current = _freeBatches.TryDequeue(out var free) ? free : new Batch(_batchSize);
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
                            _stage.Flow(record, item.ScoreHere ? _scorer!.Score(record) : item.Verdict, item.Eviction);
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
            lock (_full)
            {
                _finished++;
                Monitor.PulseAll(_full);
            }
        }
    }

    /// <summary>Queues a batch, waiting while <see cref="BatchesInFlight"/> are queued already.</summary>
    private void Send(Batch batch)
    {
        lock (_full)
        {
            if (_full.Count >= BatchesInFlight)
            {
                _frontWaits++;
                while (_full.Count >= BatchesInFlight)
                {
                    Monitor.Wait(_full);
                }
            }

            _full.Enqueue(batch);
            _sent++;
            Monitor.PulseAll(_full);
            if (_scorer is not null && ++_batchesSinceDecision == _decisionBatches)
            {
                PlaceScoring();
            }
        }
    }

    /// <summary>Moves scoring to the side that waits (called under the lock, on the front thread, between batches).</summary>
    private void PlaceScoring()
    {
        if (!ScoresFlows && (_drill || (_verdictWaits >= DecisiveWaits && _verdictWaits >= 4 * _frontWaits)))
        {
            // Everything queued so far was scored by the front: the verdict thread can go on from here.
            ScoresFlows = true;
            ScoringMoves++;
        }
        else if (ScoresFlows && (_drill || (_frontWaits >= DecisiveWaits && _frontWaits >= 4 * _verdictWaits)))
        {
            // Records queued unscored must be scored, in order, before the front scores the next one.
            while (_finished < _sent && _failure is null)
            {
                Monitor.Wait(_full);
            }

            ScoresFlows = false;
            ScoringMoves++;
        }

        _batchesSinceDecision = 0;
        _frontWaits = 0;
        _verdictWaits = 0;
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
            if (_full.Count == 0 && !_noMoreBatches)
            {
                _verdictWaits++;
            }

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

    /// <summary>One call of the stage; <c>ScoreHere</c>: the record comes unscored and this thread scores it.</summary>
    private readonly record struct Item(FlowRecord? Record, ModelVerdict? Verdict, AlertRequest? Alert, AnomalyEvent? Anomaly, FlowEviction? Eviction, bool ScoreHere);

    private sealed class Batch(int size)
    {
        public readonly Item[] Items = new Item[size];
        public int Count;
    }
}
