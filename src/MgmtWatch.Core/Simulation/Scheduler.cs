using MgmtWatch.Core.Capture;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Merges the packet streams of all behaviours in time order and writes them as they come: a priority
/// queue holds one pending frame per live behaviour (a k-way merge), so memory grows with the number of
/// concurrent behaviours, never with the length of the capture. A behaviour is an iterator that writes
/// its next frame into its own <see cref="Wire"/> and yields the frame's timestamp; timestamps of one
/// behaviour never decrease. Ties are broken by spawn order, which is itself deterministic.
/// </summary>
internal sealed class Scheduler
{
    private readonly PriorityQueue<Stream, (long Time, long Order)> _queue = new();
    private readonly Stack<Wire> _pool = new();
    private long _spawned;

    public Scheduler(long start, long end)
    {
        Start = start;
        End = end;
        Now = start;
    }

    /// <summary>First instant of the capture (µs).</summary>
    public long Start { get; }

    /// <summary>Frames at or after this instant are not written and end their behaviour.</summary>
    public long End { get; }

    /// <summary>Timestamp of the last frame written.</summary>
    public long Now { get; private set; }

    public long Packets { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>
    /// Starts a behaviour. Its first frame is produced now; a behaviour may spawn children from inside its
    /// own iterator, and a child's frames are never earlier than <see cref="Now"/> (its wire starts there).
    /// </summary>
    public void Spawn(Func<Wire, IEnumerable<long>> body)
    {
        var wire = _pool.Count > 0 ? _pool.Pop() : new Wire();

        // A different IP identification start per behaviour, as per-socket counters differ on real hosts.
        wire.Reset((ushort)(_spawned * 40_503), Now);
        var stream = new Stream(body(wire).GetEnumerator(), wire, _spawned++);
        Advance(stream);
    }

    /// <summary>Writes every frame of every behaviour, in time order, until all have ended or reached <see cref="End"/>.</summary>
    public void Run(PcapFileWriter writer, int snapLength, Action<long, long>? progress, CancellationToken cancellationToken)
    {
        while (_queue.TryDequeue(out var stream, out var key))
        {
            var wire = stream.Wire;
            Now = key.Time;
            if (wire.Length == 0)
            {
                Advance(stream); // a timer, not a frame
                continue;
            }

            var captured = Math.Min(wire.Length, snapLength);
            writer.Write(key.Time * 1000, wire.Frame.AsSpan(0, captured), wire.Length);
            if (wire.Pattern is not null && wire.Frame[12] == 0x08 && wire.Frame[13] == 0x00)
            {
                // Only IP frames make flows; an ARP request on the attacker's behalf is not part of a row.
                wire.Pattern.Observe(key.Time);
            }

            Packets++;
            Bytes += wire.Length;
            if ((Packets & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke(Packets, key.Time);
            }

            Advance(stream);
        }
    }

    private void Advance(Stream stream)
    {
        if (stream.Enumerator.MoveNext())
        {
            var time = stream.Enumerator.Current;
            if (time < Now)
            {
                throw new InvalidOperationException($"a behaviour produced a frame at {SimTime.Iso(time)}, before {SimTime.Iso(Now)} (a simulator bug)");
            }

            if (time < End)
            {
                _queue.Enqueue(stream, (time, stream.Order));
                return;
            }
        }

        stream.Enumerator.Dispose();
        _pool.Push(stream.Wire);
    }

    private sealed record Stream(IEnumerator<long> Enumerator, Wire Wire, long Order);
}
