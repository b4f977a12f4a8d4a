namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A TCP connection between two simulated hosts (RFC 9293): three-way handshake with MSS/window-scale/SACK
/// options, data in MSS-sized segments with delayed ACKs every second segment (RFC 1122 §4.2.3.2), an
/// occasional retransmission after a timeout, orderly FIN close or reset. Sequence numbers and byte
/// counts are exact, so Zeek-style byte accounting from sequence numbers agrees with the payload sent.
/// Every method is an iterator that yields frame timestamps in order and leaves <see cref="Now"/> at the
/// time of its last frame.
/// </summary>
internal sealed class TcpConnection
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;

    private readonly Queue<(long Time, bool FromServer, uint Ack)> _pendingAcks = new();

    public TcpConnection(Host client, ushort clientPort, Host server, ushort serverPort, Random random)
    {
        Client = client;
        ClientPort = clientPort;
        Server = server;
        ServerPort = serverPort;
        ClientSeq = (uint)random.NextInt64(0, uint.MaxValue);
        ServerSeq = (uint)random.NextInt64(0, uint.MaxValue);

        // One-way delay between the capture point and the far host: LAN ~0.1–0.3 ms, a routed hop more.
        OneWay = random.Micros(80, 300) + (client.Local && server.Local ? 0 : random.Micros(200, 600))
            + (client.Role == HostRole.Outside || server.Role == HostRole.Outside ? random.Micros(8_000, 60_000) : 0);
    }

    public Host Client { get; }

    public ushort ClientPort { get; }

    public Host Server { get; }

    public ushort ServerPort { get; }

    public uint ClientSeq { get; private set; }

    public uint ServerSeq { get; private set; }

    public long OneWay { get; }

    /// <summary>Time of the last frame produced.</summary>
    public long Now { get; private set; }

    /// <summary>Whether the handshake completed.</summary>
    public bool Established { get; private set; }

    /// <summary>Probability that a data segment is retransmitted after a timeout.</summary>
    public double RetransmitRate { get; init; } = 0.0005;

    /// <summary>
    /// SYN, SYN-ACK, ACK. When the server is unreachable the SYN is retransmitted (Linux: 1, 2, 4 … s) until
    /// <paramref name="connectTimeout"/>; when <paramref name="refused"/> the server answers RST.
    /// </summary>
    public IEnumerable<long> Open(Wire w, Random r, long t, Func<long, bool>? serverUp = null, long connectTimeout = 10 * SimTime.Second, bool refused = false, Site? site = null)
    {
        var backoff = SimTime.Second;
        var deadline = t + connectTimeout;
        while (true)
        {
            if (site is not null && Server is Bmc bmc && Reachability.ArpFailing(bmc, t))
            {
                yield return Reachability.ArpRequest(w, site, Client, Server, t);
            }
            else
            {
                yield return w.Tcp(t, Client, ClientPort, Server, ServerPort, ClientSeq, 0, Syn, Client.SynWindow, 0, synOptions: true);
            }

            Now = t;
            if (serverUp is null || serverUp(t))
            {
                break;
            }

            if (t + backoff > deadline)
            {
                yield break;
            }

            t += backoff;
            backoff *= 2;
        }

        ClientSeq++;
        t += 2 * OneWay + r.Micros(20, 200);
        if (refused)
        {
            yield return w.Tcp(t, Server, ServerPort, Client, ClientPort, 0, ClientSeq, Rst | Ack, 0, 0);
            Now = t;
            yield break;
        }

        yield return w.Tcp(t, Server, ServerPort, Client, ClientPort, ServerSeq, ClientSeq, Syn | Ack, Server.SynWindow, 0, synOptions: true);
        ServerSeq++;
        t += 2 * OneWay + r.Micros(10, 100);
        yield return w.Tcp(t, Client, ClientPort, Server, ServerPort, ClientSeq, ServerSeq, Ack, Client.TcpWindow, 0);
        Now = t;
        Established = true;
    }

    /// <summary>
    /// Sends <paramref name="source"/> from one side, starting at <paramref name="t"/>, paced at
    /// <paramref name="rate"/> bytes/s (0: back to back at LAN speed); the receiver ACKs every second segment.
    /// </summary>
    public IEnumerable<long> Send(Wire w, Random r, bool fromClient, ByteSource source, long t, double rate = 0)
    {
        var sender = fromClient ? Client : Server;
        var receiver = fromClient ? Server : Client;
        var sPort = fromClient ? ClientPort : ServerPort;
        var rPort = fromClient ? ServerPort : ClientPort;
        var total = source.Length;
        long sent = 0;
        var segments = 0;

        // Pending delayed ACKs of the sender ride on its data instead.
        DropAcksAfter(t, fromServer: !fromClient);

        // Segment spacing: the pacing rate, or 1 Gbit/s serialisation (12 µs per full frame) at least.
        var gap = rate > 0 ? Math.Max(12L, (long)(Wire.Mss / rate * SimTime.Second)) : 12L;
        while (sent < total)
        {
            var n = (int)Math.Min(Wire.Mss, total - sent);
            foreach (var x in FlushAcks(w, t))
            {
                yield return x;
            }

            var seq = fromClient ? ClientSeq : ServerSeq;
            var ack = fromClient ? ServerSeq : ClientSeq;
            source.Fill(w.TcpPayload[..n], sent);
            var last = sent + n == total;
            yield return w.Tcp(t, sender, sPort, receiver, rPort, seq, ack, last ? (byte)(Psh | Ack) : Ack, sender.TcpWindow, n);
            if (RetransmitRate > 0 && total > Wire.Mss && r.Chance(RetransmitRate))
            {
                // The segment was lost after the capture point: the sender's RTO (≥ 200 ms) fires and it
                // sends the same bytes again.
                t += r.Micros(200_000, 400_000);
                foreach (var x in FlushAcks(w, t))
                {
                    yield return x;
                }

                source.Fill(w.TcpPayload[..n], sent);
                yield return w.Tcp(t, sender, sPort, receiver, rPort, seq, ack, last ? (byte)(Psh | Ack) : Ack, sender.TcpWindow, n);
            }

            if (fromClient)
            {
                ClientSeq += (uint)n;
            }
            else
            {
                ServerSeq += (uint)n;
            }

            sent += n;
            segments++;
            if (segments % 2 == 0 || last)
            {
                // Delayed ACK: every second full segment at once, a lone last segment after up to 40 ms
                // unless the receiver answers with data (then the ACK rides on it; see Respond).
                var delay = segments % 2 == 0 ? 2 * OneWay + r.Micros(5, 60) : 2 * OneWay + r.Micros(200, 40_000);
                _pendingAcks.Enqueue((t + delay, fromClient, fromClient ? ClientSeq : ServerSeq));
            }

            Now = t;
            t += gap + r.Micros(0, Math.Max(1, gap / 4));
        }
    }

    /// <summary>
    /// A request and its response: the client sends, the server thinks for <paramref name="think"/>, then
    /// answers (its first segment carries the ACK, so a pending delayed ACK for the request is dropped).
    /// </summary>
    public IEnumerable<long> Exchange(Wire w, Random r, ByteSource request, ByteSource response, long t, long think, double rate = 0)
    {
        foreach (var x in Send(w, r, true, request, t, rate))
        {
            yield return x;
        }

        var answerAt = Now + (2 * OneWay) + think;
        DropAcksAfter(answerAt, fromServer: true);
        foreach (var x in Send(w, r, false, response, answerAt, rate))
        {
            yield return x;
        }
    }

    /// <summary>Writes the ACKs still pending (the receiver's last delayed ACK), in time order.</summary>
    public IEnumerable<long> FlushAcks(Wire w, long upTo = long.MaxValue)
    {
        while (_pendingAcks.Count > 0 && _pendingAcks.Peek().Time <= upTo)
        {
            var (time, ackFromServer, ackNumber) = _pendingAcks.Dequeue();
            var t = Math.Max(time, w.Time);
            yield return ackFromServer
                ? w.Tcp(t, Server, ServerPort, Client, ClientPort, ServerSeq, ackNumber, Ack, Server.TcpWindow, 0)
                : w.Tcp(t, Client, ClientPort, Server, ServerPort, ClientSeq, ackNumber, Ack, Client.TcpWindow, 0);
            Now = t;
        }
    }

    /// <summary>Orderly close: FIN from one side, FIN-ACK from the other, final ACK.</summary>
    public IEnumerable<long> Close(Wire w, Random r, long t, bool clientFirst = true)
    {
        foreach (var x in FlushAcks(w, t))
        {
            yield return x;
        }

        _pendingAcks.Clear();
        t = Math.Max(t, w.Time);
        var (a, ap, b, bp) = clientFirst ? (Client, ClientPort, Server, ServerPort) : (Server, ServerPort, Client, ClientPort);
        var aSeq = clientFirst ? ClientSeq : ServerSeq;
        var bSeq = clientFirst ? ServerSeq : ClientSeq;
        yield return w.Tcp(t, a, ap, b, bp, aSeq, bSeq, Fin | Ack, a.TcpWindow, 0);
        t += 2 * OneWay + r.Micros(20, 300);
        yield return w.Tcp(t, b, bp, a, ap, bSeq, aSeq + 1, Fin | Ack, b.TcpWindow, 0);
        t += 2 * OneWay + r.Micros(10, 80);
        yield return w.Tcp(t, a, ap, b, bp, aSeq + 1, bSeq + 1, Ack, a.TcpWindow, 0);
        Now = t;
        if (clientFirst)
        {
            ClientSeq++;
            ServerSeq++;
        }
        else
        {
            ServerSeq++;
            ClientSeq++;
        }
    }

    /// <summary>Moves the connection's clock forward by a pause in which nothing is sent.</summary>
    public void Advance(long pause) => Now += pause;

    /// <summary>An abort: RST from one side (a scanner's half-open probe, a killed client).</summary>
    public IEnumerable<long> Reset(Wire w, long t, bool fromClient)
    {
        foreach (var x in FlushAcks(w, t))
        {
            yield return x;
        }

        _pendingAcks.Clear();
        t = Math.Max(t, w.Time);
        yield return fromClient
            ? w.Tcp(t, Client, ClientPort, Server, ServerPort, ClientSeq, ServerSeq, Rst | Ack, 0, 0)
            : w.Tcp(t, Server, ServerPort, Client, ClientPort, ServerSeq, ClientSeq, Rst | Ack, 0, 0);
        Now = t;
    }

    private void DropAcksAfter(long time, bool fromServer)
    {
        // ACKs the server would have sent for the request after it starts answering are carried by the answer.
        if (_pendingAcks.Count == 0)
        {
            return;
        }

        var keep = new List<(long, bool, uint)>();
        foreach (var a in _pendingAcks)
        {
            if (a.Time < time || a.FromServer != fromServer)
            {
                keep.Add(a);
            }
        }

        _pendingAcks.Clear();
        foreach (var a in keep)
        {
            _pendingAcks.Enqueue(a);
        }

    }
}
