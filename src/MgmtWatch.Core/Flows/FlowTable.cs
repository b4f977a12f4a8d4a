using System.Numerics;
using System.Runtime.CompilerServices;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// Bidirectional flows keyed by canonical 5-tuple, with Zeek's originator choice, endpoint states and
/// history. Flow state lives by value in one array (see <see cref="FlowEntry"/>; TCP flows' sequence tracking in
/// a second, <see cref="TcpFlowState"/>); an open-addressing index
/// of (hash tag, flow) pairs finds it with one cache line per probe. Timeouts run in packet time through a
/// timer wheel of one-second buckets, so no per-packet work is spent on expiry: a flow is re-examined only
/// when its bucket comes due. The table never holds more than <see cref="MaxFlows"/> flows; when full, the
/// flow nearest its timeout is evicted and counted.
/// </summary>
internal sealed class FlowTable
{
    /// <summary>Default maximum of concurrent flows: 190-250 MB of flow state (UDP to TCP), under the 1 GiB budget with room for floods.</summary>
    public const int DefaultMaxFlows = 1_000_000;

    /// <summary>Initial capacity; the arrays double as flows arrive, so a small capture costs little memory.</summary>
    private const int InitialCapacity = 1024;

    /// <summary>Wheel size in one-second buckets (a power of two): longer deadlines are re-examined each lap.</summary>
    private const int WheelSize = 4096;

    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>
    /// A TCP sequence jump larger than this is not a capture gap but a resynchronisation (port reuse,
    /// crafted packets): counting it as missed bytes would report gigabytes that never existed.
    /// </summary>
    private const int MaxSequenceGap = 16 << 20;

    private const byte ClassTcp = 0;
    private const byte ClassTcpClosed = 1;
    private const byte ClassUdp = 2;
    private const byte ClassIcmp = 3;
    private const byte ClassOther = 4;
    private const byte ClassTcpAttempt = 5;

    private readonly IFlowEndHandler _handler;
    private readonly long[] _timeouts;
    private readonly long _interim;
    private readonly Func<ushort, bool> _isServerPort;
    private readonly int[] _wheel = new int[WheelSize];
    private readonly ulong _seed;
    private readonly List<int> _due = [];

    /// <summary>Orders due flows by end time; made once, as a lambda over <c>this</c> would allocate a delegate per bucket.</summary>
    private readonly Comparison<int> _compareEnd;
    private FlowEntry[] _flows;

    /// <summary>TCP flows' sequence and endpoint states (see <see cref="TcpFlowState"/>), by <see cref="FlowEntry.Tcp"/>.</summary>
    private TcpFlowState[] _tcp;
    private Slot[] _index;
    private int _indexMask;
    private int _freeHead = -1;
    private int _used;
    private int _tcpFreeHead = -1;
    private int _tcpUsed;
    private long _wheelSecond = long.MinValue;
    private long _evictCursor = long.MinValue;

    public FlowTable(IFlowEndHandler handler, FlowTimeouts? timeouts = null, int maxFlows = DefaultMaxFlows, Func<ushort, bool>? isServerPort = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFlows, 1);
        _handler = handler;
        timeouts ??= new FlowTimeouts();
        Timeouts = timeouts;
        _timeouts =
        [
            timeouts.Tcp.Ticks * 100,
            timeouts.TcpClosed.Ticks * 100,
            timeouts.Udp.Ticks * 100,
            timeouts.Icmp.Ticks * 100,
            timeouts.Other.Ticks * 100,
            timeouts.TcpAttempt.Ticks * 100,
        ];
        _interim = timeouts.Interim.Ticks * 100;
        MaxFlows = maxFlows;
        _isServerPort = isServerPort ?? (static _ => false);
        _compareEnd = CompareEnd;
        _seed = (ulong)Random.Shared.NextInt64(); // defeats crafted hash collisions; output never depends on it
        var capacity = Math.Min(InitialCapacity, maxFlows);
        _flows = new FlowEntry[capacity];
        _tcp = new TcpFlowState[capacity];
        _index = NewIndex(capacity * 2, out _indexMask);
        Array.Fill(_wheel, -1);
    }

    public FlowTimeouts Timeouts { get; }

    public int MaxFlows { get; }

    public int Active { get; private set; }

    public FlowTableCounters Counters { get; } = new();

    /// <summary>Packet time of the newest packet observed.</summary>
    public long Now { get; private set; }

    public ref FlowEntry this[int flow] => ref _flows[flow];

    /// <summary>
    /// Finds or creates the flow of an IP packet with ports (or ICMP type/code), updates its counters,
    /// states and history, and returns its index. <paramref name="fromOriginator"/> tells the direction.
    /// </summary>
    public int Observe(long now, long packetNumber, scoped ref DecodedPacket p, out bool fromOriginator)
    {
        Advance(now);
        var key = FlowKey.FromPacket(p, out var fromA);
        var hash = key.TableHash(_seed);
        var flow = Find(key, hash, out var slot);
        if (flow >= 0 && p.Protocol == IpProtocol.Tcp && IsNewConnectionOnClosedFlow(ref _tcp[_flows[flow].Tcp], _flows[flow].OrigIsA == fromA, p))
        {
            // A fresh SYN on a closed connection starts a new one (port reuse), as Zeek and tshark split it.
            EndFlow(flow, FlowEndReason.Timeout);
            flow = Find(key, hash, out slot);
        }

        if (flow < 0)
        {
            flow = Create(key, hash, slot, now, packetNumber, fromA, p);
        }

        ref var f = ref _flows[flow];
        fromOriginator = f.OrigIsA == fromA;
        ref var sender = ref fromOriginator ? ref f.Orig : ref f.Resp;
        var packets = f.Orig.Packets + f.Resp.Packets;
        if (packets > 0)
        {
            // Welford's online mean and variance (Knuth TAOCP 2, 4.2.2): O(1) state, numerically stable.
            var gap = (float)(Math.Max(0, now - f.Last) * 1e-9);
            var delta = gap - f.GapMean;
            f.GapMean += delta / packets;
            f.GapM2 += delta * (gap - f.GapMean);
        }

        f.Last = Math.Max(f.Last, now);
        sender.Packets++;
        var size = (float)Math.Max(0, p.PayloadLength);
        var sizeDelta = size - sender.SizeMean;
        sender.SizeMean += sizeDelta / sender.Packets;
        sender.SizeM2 += sizeDelta * (size - sender.SizeMean);
        sender.IpBytes += (ulong)p.IpLength;
        switch (p.Protocol)
        {
            case IpProtocol.Tcp:
                UpdateTcp(flow, fromOriginator, p);
                break;
            case IpProtocol.Udp:
                sender.Bytes += (ulong)p.PayloadLength;
                if (p.PayloadLength > 0)
                {
                    RecordOnce(ref f, FlowHistory.Data, fromOriginator);
                }

                break;
            default:
                sender.Bytes += (ulong)p.PayloadLength;
                break;
        }

        return flow;
    }

    /// <summary>
    /// Runs the timer wheel up to <paramref name="now"/>, ending idle flows and writing interim records.
    /// Packet time only moves forward: an older timestamp (out-of-order capture) is ignored here.
    /// </summary>
    public void Advance(long now)
    {
        if (now > Now)
        {
            Now = now;
        }

        var second = FloorSecond(Now);
        if (_wheelSecond == long.MinValue)
        {
            _wheelSecond = second;
            return;
        }

        if (second <= _wheelSecond)
        {
            return;
        }

        // After a gap longer than a lap, one lap examines every flow once.
        if (second - _wheelSecond > WheelSize)
        {
            _wheelSecond = second - WheelSize;
        }

        while (_wheelSecond < second)
        {
            _wheelSecond++;
            RunBucket((int)(_wheelSecond & (WheelSize - 1)));
        }
    }

    /// <summary>Ends every flow (end of input), oldest first, so output order does not depend on the table's layout.</summary>
    public void Flush(FlowEndReason reason)
    {
        var live = new List<int>(Active);
        for (var i = 0; i < _used; i++)
        {
            if ((_flows[i].Flags & FlowFlags.InTable) != 0)
            {
                live.Add(i);
            }
        }

        live.Sort((x, y) => CompareStart(x, y));
        foreach (var flow in live)
        {
            EndFlow(flow, reason);
        }
    }

    /// <summary>Sequence-space bytes of a TCP flow that no packet carried (Zeek's missed_bytes); 0 for other flows.</summary>
    public ulong MissedBytes(int flow) => _flows[flow].Tcp >= 0 ? _tcp[_flows[flow].Tcp].MissedBytes : 0;

    /// <summary>True for a TCP flow either side of which has sent a FIN or RST.</summary>
    public bool IsTcpClosed(int flow) => _flows[flow].Tcp >= 0 && _tcp[_flows[flow].Tcp].EitherClosed;

    /// <summary>Conn state of a flow, as Zeek computes it.</summary>
    public string ConnStateOf(int flow)
    {
        ref var f = ref _flows[flow];
        var origState = f.Tcp >= 0 ? _tcp[f.Tcp].Orig.State : TcpEndpointState.Inactive;
        var respState = f.Tcp >= 0 ? _tcp[f.Tcp].Resp.State : TcpEndpointState.Inactive;
        var rstos0 = false;
        if (origState == TcpEndpointState.Reset)
        {
            // Zeek: history matches /\^?S[^HAFGIQ]*R.*/
            var i = 0;
            var h = f.History;
            var code = (byte)(h & 0x1F);
            if (code == FlowHistory.Flipped)
            {
                i = 1;
                code = (byte)((h >> 5) & 0x1F);
            }

            if (code == FlowHistory.Syn)
            {
                for (i++; i < f.HistoryLength; i++)
                {
                    var c = (byte)((h >> (5 * i)) & 0x1F);
                    if (c == FlowHistory.Rst)
                    {
                        rstos0 = true;
                        break;
                    }

                    if (c is FlowHistory.SynAck or FlowHistory.Ack or FlowHistory.Fin or FlowHistory.Gap or FlowHistory.Inconsistent or FlowHistory.MultiFlag)
                    {
                        break;
                    }
                }
            }
        }

        return ConnState.Of(f.Protocol, origState, respState, f.Orig.Packets > 0, f.Resp.Packets > 0,
            f.Orig.Bytes == 0 && f.Resp.Bytes == 0, rstos0);
    }

    private int CompareStart(int x, int y)
    {
        ref var a = ref _flows[x];
        ref var b = ref _flows[y];
        var c = a.Start.CompareTo(b.Start);
        return c != 0 ? c : a.FirstPacket.CompareTo(b.FirstPacket);
    }

    private static bool IsNewConnectionOnClosedFlow(ref TcpFlowState t, bool fromOrig, scoped in DecodedPacket p)
    {
        if ((p.TcpFlags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn)
        {
            return false;
        }

        if (!t.EitherClosed)
        {
            return false;
        }

        ref var sender = ref fromOrig ? ref t.Orig : ref t.Resp;
        return (sender.SeqFlags & 2) == 0 || sender.LastSyn != p.Sequence;
    }

    private int Create(in FlowKey key, ulong hash, int slot, long now, long packetNumber, bool fromA, scoped in DecodedPacket p)
    {
        if (Active >= MaxFlows)
        {
            EvictOne();
            Find(key, hash, out slot); // eviction may have moved index slots
        }

        var flow = Allocate();
        if (Active >= _index.Length / 2)
        {
            GrowIndex();
            Find(key, hash, out slot);
        }

        _index[slot] = new Slot((uint)hash, flow);
        ref var f = ref _flows[flow];
        f = default;
        f.A = key.A;
        f.B = key.B;
        f.PortA = key.PortA;
        f.PortB = key.PortB;
        f.Protocol = key.Protocol;
        f.IpVersion = p.IpVersion;
        f.Start = now;
        f.Last = now;
        f.LastReport = now;
        f.FirstPacket = packetNumber;
        f.Flags = FlowFlags.InTable;
        f.WheelPrev = f.WheelNext = -1;
        f.Tcp = key.Protocol == IpProtocol.Tcp ? AllocateTcp() : -1;
        f.OrigIsA = fromA;
        if (ShouldFlip(p))
        {
            f.OrigIsA = !fromA;
            f.Flags |= FlowFlags.Flipped;
            FlowHistory.Append(ref f.History, ref f.HistoryLength, FlowHistory.Flipped, true);
        }

        f.TimeoutClass = key.Protocol switch
        {
            // A SYN attempt gets the short timeout until the responder answers; a flow first seen mid-stream
            // (one direction of an asymmetric SPAN, say) may never hear from the other side and keeps the full one.
            IpProtocol.Tcp => (p.TcpFlags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn ? ClassTcpAttempt : ClassTcp,
            IpProtocol.Udp => ClassUdp,
            IpProtocol.Icmp or IpProtocol.Icmpv6 => ClassIcmp,
            _ => ClassOther,
        };
        Active++;
        Counters.Created++;
        if (Active > Counters.PeakActive)
        {
            Counters.PeakActive = Active;
        }

        Schedule(flow);
        return flow;
    }

    /// <summary>
    /// Zeek's originator heuristics: a first packet that is a SYN-ACK, an ICMP reply, or comes from a
    /// likely server port to a client port means the receiver started the conversation.
    /// </summary>
    private bool ShouldFlip(scoped in DecodedPacket p)
    {
        switch (p.Protocol)
        {
            case IpProtocol.Tcp:
                if ((p.TcpFlags & TcpFlags.Syn) != 0)
                {
                    return (p.TcpFlags & TcpFlags.Ack) != 0;
                }

                return PortsSayFlip(p.SourcePort, p.DestinationPort);
            case IpProtocol.Udp:
                return PortsSayFlip(p.SourcePort, p.DestinationPort);
            case IpProtocol.Icmp:
                return p.SourcePort is 0 or 14 or 16 or 18;
            case IpProtocol.Icmpv6:
                return p.SourcePort is 129 or 136 or 140 or 145;
            default:
                return false;
        }
    }

    private bool PortsSayFlip(ushort source, ushort destination)
    {
        var sourceIsServer = _isServerPort(source) || source < 1024;
        var destinationIsServer = _isServerPort(destination) || destination < 1024;
        return sourceIsServer && !destinationIsServer;
    }

    private void UpdateTcp(int flow, bool fromOrig, scoped in DecodedPacket p)
    {
        ref var f = ref _flows[flow];
        ref var t = ref _tcp[f.Tcp];
        ref var counters = ref fromOrig ? ref f.Orig : ref f.Resp;
        ref var e = ref fromOrig ? ref t.Orig : ref t.Resp;
        ref var peer = ref fromOrig ? ref t.Resp : ref t.Orig;
        if (f.TimeoutClass == ClassTcpAttempt && !fromOrig)
        {
            // Answered: the full inactivity timeout applies. The wheel re-reads the class when the flow's
            // bucket comes due, so lengthening needs no rescheduling.
            f.TimeoutClass = ClassTcp;
        }

        var flags = p.TcpFlags;
        var syn = (flags & TcpFlags.Syn) != 0;
        var ack = (flags & TcpFlags.Ack) != 0;
        var fin = (flags & TcpFlags.Fin) != 0;
        var rst = (flags & TcpFlags.Rst) != 0;
        var length = (uint)Math.Max(0, p.PayloadLength);
        var seq = p.Sequence;

        if (syn && (fin || rst))
        {
            RecordOnce(ref f, FlowHistory.MultiFlag, fromOrig);
        }
        else if (fin && rst)
        {
            RecordOnce(ref f, FlowHistory.Inconsistent, fromOrig);
        }

        if (syn)
        {
            if ((e.SeqFlags & 2) == 0 || e.LastSyn != seq)
            {
                FlowHistory.Append(ref f.History, ref f.HistoryLength, ack ? FlowHistory.SynAck : FlowHistory.Syn, fromOrig);
            }

            e.SeqFlags |= 2;
            e.LastSyn = seq;
            if (e.State == TcpEndpointState.Inactive)
            {
                e.State = ack ? TcpEndpointState.SynAckSent : TcpEndpointState.SynSent;
            }

            // The SYN occupies one sequence number before the first data byte (RFC 9293 §3.4).
            e.SeqFlags |= 1;
            e.NextSeq = seq + 1 + length;
            counters.Bytes += length;
        }
        else
        {
            TrackSequence(ref f, ref counters, ref t, ref e, fromOrig, seq, length);
        }

        if (rst)
        {
            if ((e.SeqFlags & 8) == 0 || e.LastRst != seq)
            {
                FlowHistory.Append(ref f.History, ref f.HistoryLength, FlowHistory.Rst, fromOrig);
            }

            e.SeqFlags |= 8;
            e.LastRst = seq;
            e.State = TcpEndpointState.Reset;
        }

        if (fin)
        {
            if ((e.SeqFlags & 4) == 0 || e.LastFin != seq)
            {
                FlowHistory.Append(ref f.History, ref f.HistoryLength, FlowHistory.Fin, fromOrig);
                e.NextSeq++; // the FIN occupies one sequence number
            }

            e.SeqFlags |= 4;
            e.LastFin = seq;
            if (e.State != TcpEndpointState.Reset)
            {
                e.State = TcpEndpointState.Closed;
            }
        }

        if (!syn && !fin && !rst)
        {
            if (length > 0)
            {
                RecordOnce(ref f, FlowHistory.Data, fromOrig);
            }
            else if (ack)
            {
                RecordOnce(ref f, FlowHistory.Ack, fromOrig);
            }

            if (p.Window == 0)
            {
                FlowHistory.AppendLogarithmic(ref f.History, ref f.HistoryLength, ref e.ZeroWindows, FlowHistory.ZeroWindow, fromOrig);
            }
        }
        else if (length > 0)
        {
            RecordOnce(ref f, FlowHistory.Data, fromOrig);
        }

        if (!syn && !rst)
        {
            if (e.State is TcpEndpointState.SynSent or TcpEndpointState.SynAckSent && ack)
            {
                e.State = TcpEndpointState.Established;
            }
            else if (e.State == TcpEndpointState.Inactive)
            {
                e.State = TcpEndpointState.Partial;
            }

            if (ack && peer.State == TcpEndpointState.SynAckSent && e.State == TcpEndpointState.Established)
            {
                peer.State = TcpEndpointState.Established;
            }
        }

        if ((rst || t.BothClosed)
            && f.TimeoutClass != ClassTcpClosed)
        {
            // Closed or reset: linger briefly for the final ACK and retransmitted FINs, then end.
            f.TimeoutClass = ClassTcpClosed;
            Unschedule(ref f);
            Schedule(flow);
        }
    }

    private static void TrackSequence(ref FlowEntry f, ref FlowEntry.Endpoint counters, ref TcpFlowState t, ref TcpFlowState.Endpoint e, bool fromOrig, uint seq, uint length)
    {
        // Zeek counts TCP payload bytes from sequence numbers: retransmissions are not counted twice and
        // a capture gap still counts (and shows as missed_bytes).
        if ((e.SeqFlags & 1) == 0)
        {
            e.SeqFlags |= 1;
            e.NextSeq = seq + length;
            counters.Bytes += length;
            return;
        }

        if (length == 0)
        {
            return;
        }

        var gap = (int)(seq - e.NextSeq);
        if (gap > MaxSequenceGap || gap < -MaxSequenceGap)
        {
            e.NextSeq = seq + length;
            counters.Bytes += length;
            return;
        }

        if (gap > 0)
        {
            t.MissedBytes += (ulong)gap;
            counters.Bytes += (ulong)gap + length;
            e.NextSeq = seq + length;
            FlowHistory.AppendLogarithmic(ref f.History, ref f.HistoryLength, ref e.Gaps, FlowHistory.Gap, fromOrig);
            return;
        }

        var advance = (int)(seq + length - e.NextSeq);
        if (advance > 0)
        {
            counters.Bytes += (ulong)advance;
            e.NextSeq = seq + length;
        }
        else
        {
            FlowHistory.AppendLogarithmic(ref f.History, ref f.HistoryLength, ref e.Retransmissions, FlowHistory.Retransmission, fromOrig);
        }
    }

    private static void RecordOnce(ref FlowEntry f, byte code, bool fromOrig)
    {
        var bit = code switch
        {
            FlowHistory.Ack => 1,
            FlowHistory.Data => 2,
            FlowHistory.Inconsistent => 4,
            _ => 8, // MultiFlag
        } << (fromOrig ? 0 : 4);
        if ((f.HistoryOnce & bit) != 0)
        {
            return;
        }

        f.HistoryOnce |= (byte)bit;
        FlowHistory.Append(ref f.History, ref f.HistoryLength, code, fromOrig);
    }

    private void EvictOne()
    {
        // The flow nearest its deadline: walk buckets from the cursor; a flow whose real deadline has
        // moved on (it saw traffic since it was scheduled) is rescheduled later and the walk continues.
        var limit = _wheelSecond + WheelSize;
        for (var second = Math.Max(_evictCursor, _wheelSecond + 1); second <= limit; second++)
        {
            var flow = _wheel[(int)(second & (WheelSize - 1))];
            while (flow >= 0)
            {
                ref var f = ref _flows[flow];
                var next = f.WheelNext;
                if (DueSecond(ref f) <= second || second == limit)
                {
                    _evictCursor = second;
                    Counters.Evicted++;
                    EndFlow(flow, FlowEndReason.Evicted);
                    return;
                }

                Unschedule(ref f);
                Schedule(flow);
                flow = next;
            }
        }
    }

    private void RunBucket(int bucket)
    {
        var flow = _wheel[bucket];
        _wheel[bucket] = -1;
        _due.Clear();
        while (flow >= 0)
        {
            ref var f = ref _flows[flow];
            var next = f.WheelNext;
            f.WheelPrev = f.WheelNext = -1;
            _due.Add(flow);
            flow = next;
        }

        if (_due.Count > 1)
        {
            _due.Sort(_compareEnd);
        }

        foreach (var due in _due)
        {
            ref var f = ref _flows[due];
            if (f.Last + _timeouts[f.TimeoutClass] <= Now)
            {
                Counters.TimedOut++;
                EndFlow(due, FlowEndReason.Timeout);
                continue;
            }

            if (_interim > 0 && Now - f.LastReport >= _interim)
            {
                f.LastReport = Now;
                Counters.Interim++;
                _handler.OnFlowEnd(this, due, FlowEndReason.Interim);
            }

            Schedule(due);
        }
    }

    private int CompareEnd(int x, int y)
    {
        ref var a = ref _flows[x];
        ref var b = ref _flows[y];
        var c = a.Last.CompareTo(b.Last);
        return c != 0 ? c : a.FirstPacket.CompareTo(b.FirstPacket);
    }

    private long DueSecond(ref FlowEntry f)
    {
        var due = f.Last + _timeouts[f.TimeoutClass];
        if (_interim > 0)
        {
            due = Math.Min(due, f.LastReport + _interim);
        }

        return FloorSecond(due) + 1;
    }

    private void Schedule(int flow)
    {
        ref var f = ref _flows[flow];
        var second = DueSecond(ref f);
        if (second <= _wheelSecond)
        {
            second = _wheelSecond + 1;
        }
        else if (second - _wheelSecond >= WheelSize)
        {
            second = _wheelSecond + WheelSize - 1;
        }

        if (second < _evictCursor)
        {
            _evictCursor = second;
        }

        var bucket = (int)(second & (WheelSize - 1));
        var head = _wheel[bucket];
        f.WheelPrev = -2 - bucket;
        f.WheelNext = head;
        if (head >= 0)
        {
            _flows[head].WheelPrev = flow;
        }

        _wheel[bucket] = flow;
    }

    private void Unschedule(ref FlowEntry f)
    {
        if (f.WheelPrev == -1)
        {
            return;
        }

        if (f.WheelPrev >= 0)
        {
            _flows[f.WheelPrev].WheelNext = f.WheelNext;
        }
        else
        {
            _wheel[-2 - f.WheelPrev] = f.WheelNext;
        }

        if (f.WheelNext >= 0)
        {
            // Takes over the previous link, bucket head mark included.
            _flows[f.WheelNext].WheelPrev = f.WheelPrev;
        }

        f.WheelPrev = f.WheelNext = -1;
    }

    private void EndFlow(int flow, FlowEndReason reason)
    {
        ref var f = ref _flows[flow];
        if (reason == FlowEndReason.Shutdown)
        {
            Counters.Shutdown++;
        }

        _handler.OnFlowEnd(this, flow, reason);
        f = ref _flows[flow];
        Unschedule(ref f);
        RemoveFromIndex((uint)f.Key.TableHash(_seed), flow); // recomputed rather than kept: 4 bytes less per flow
        if (f.Tcp >= 0)
        {
            _tcp[f.Tcp].MissedBytes = (ulong)(long)_tcpFreeHead;
            _tcpFreeHead = f.Tcp;
        }

        f.Flags = 0;
        f.WheelNext = _freeHead;
        _freeHead = flow;
        Active--;
    }

    private int Allocate()
    {
        if (_freeHead >= 0)
        {
            var flow = _freeHead;
            _freeHead = _flows[flow].WheelNext;
            return flow;
        }

        if (_used == _flows.Length)
        {
            Array.Resize(ref _flows, (int)Math.Min((long)_flows.Length * 2, MaxFlows));
        }

        return _used++;
    }

    private int AllocateTcp()
    {
        int slot;
        if (_tcpFreeHead >= 0)
        {
            slot = _tcpFreeHead;
            _tcpFreeHead = (int)(long)_tcp[slot].MissedBytes;
        }
        else
        {
            if (_tcpUsed == _tcp.Length)
            {
                Array.Resize(ref _tcp, (int)Math.Min((long)_tcp.Length * 2, MaxFlows));
            }

            slot = _tcpUsed++;
        }

        _tcp[slot] = default;
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(in FlowKey key, ulong hash, out int slot)
    {
        var tag = (uint)hash;
        var i = (int)(tag & (uint)_indexMask);
        while (true)
        {
            var s = _index[i];
            if (s.Flow < 0)
            {
                slot = i;
                return -1;
            }

            if (s.Tag == tag)
            {
                ref var f = ref _flows[s.Flow];
                if (f.PortA == key.PortA && f.PortB == key.PortB && f.Protocol == key.Protocol && f.A == key.A && f.B == key.B)
                {
                    slot = i;
                    return s.Flow;
                }
            }

            i = (i + 1) & _indexMask;
        }
    }

    private void RemoveFromIndex(uint tag, int flow)
    {
        var i = (int)(tag & (uint)_indexMask);
        while (_index[i].Flow != flow)
        {
            i = (i + 1) & _indexMask;
        }

        // Backward-shift deletion (Knuth 6.4 algorithm R): no tombstones, so probes stay short forever.
        var j = i;
        while (true)
        {
            j = (j + 1) & _indexMask;
            var s = _index[j];
            if (s.Flow < 0)
            {
                break;
            }

            var home = (int)(s.Tag & (uint)_indexMask);
            var inRange = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (inRange)
            {
                continue;
            }

            _index[i] = s;
            i = j;
        }

        _index[i] = Slot.Empty;
    }

    private void GrowIndex()
    {
        var old = _index;
        _index = NewIndex(old.Length * 2, out _indexMask);
        foreach (var s in old)
        {
            if (s.Flow < 0)
            {
                continue;
            }

            var i = (int)(s.Tag & (uint)_indexMask);
            while (_index[i].Flow >= 0)
            {
                i = (i + 1) & _indexMask;
            }

            _index[i] = s;
        }
    }

    private static Slot[] NewIndex(int slots, out int mask)
    {
        // Kept at most half full: linear probing then averages under two probes per lookup.
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, slots));
        mask = size - 1;
        var index = new Slot[size];
        Array.Fill(index, Slot.Empty);
        return index;
    }

    private static long FloorSecond(long ns) => ns >= 0 ? ns / NanosPerSecond : ((ns + 1) / NanosPerSecond) - 1;

    private readonly record struct Slot(uint Tag, int Flow)
    {
        public static readonly Slot Empty = new(0, -1);
    }
}
