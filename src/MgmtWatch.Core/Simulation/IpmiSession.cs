namespace MgmtWatch.Core.Simulation;

/// <summary>
/// One complete RMCP+ session as a monitoring client runs it (ipmi-wire.md §5–8, threats.md baseline):
/// [ASF ping], Get Channel Authentication Capabilities (v1.5 wrapper), [Get Channel Cipher Suites],
/// Open Session, RAKP 1–4 with real HMACs over the configured password, Set Session Privilege Level,
/// the tool's encrypted and authenticated commands, Close Session. Lost replies are retransmitted after
/// the client's timeout; a BMC that is down gets the client's retries (or ARP requests) and no answer.
/// </summary>
internal sealed class IpmiSession : IDisposable
{
    public required Site Site { get; init; }

    public required Host Console { get; init; }

    public required ushort ConsolePort { get; init; }

    public required Bmc Bmc { get; init; }

    public required IpmiClientStyle Style { get; init; }

    public required string User { get; init; }

    public required string Password { get; init; }

    public byte Role { get; init; } = 0x14;

    /// <summary>Suite the client asks for: 17 only if it prefers it and the BMC offers it, else 3; 0 forces cipher zero.</summary>
    public required int Suite { get; init; }

    /// <summary>Commands after Set Session Privilege Level; Close Session is added unless <see cref="KeepOpen"/>.</summary>
    public required IReadOnlyList<IpmiCommand> Commands { get; init; }

    /// <summary>Leave the session open (a persistent OpenIPMI connection continues it with <see cref="Continue"/>).</summary>
    public bool KeepOpen { get; init; }

    /// <summary>Probability that one reply is lost (or the BMC too slow) and the client retransmits.</summary>
    public double LossRate { get; init; } = 0.002;

    /// <summary>Time after the last packet of the session (µs).</summary>
    public long EndTime { get; private set; }

    /// <summary>True when the session was established.</summary>
    public bool Established { get; private set; }

    /// <summary>Marks the frames of attack sessions.</summary>
    public LabelPattern? Pattern { get; init; }

    private IpmiCrypto? _crypto;
    private uint _consoleSeq;
    private uint _bmcSeq;
    private byte _rqSeq;

    public IEnumerable<long> Run(Wire w, Random r, long start)
    {
        w.Pattern = Pattern;
        var t = start;
        var oneWay = Latency(r);
        byte tag = 0;

        if (Style == IpmiClientStyle.OpenIpmi)
        {
            foreach (var x in Exchange(w, r, () => IpmiMessages.AsfPing(w.UdpPayload, 0), b => IpmiMessages.AsfPong(b, 0), t, oneWay, 1.0, 3))
            {
                yield return x;
            }

            if (!_lastOk)
            {
                EndTime = _now;
                yield break;
            }

            t = _now + r.Micros(200, 2_000);
        }

        _rqSeq = (byte)r.Next(0, 64);
        foreach (var x in Exchange(w, r, () => IpmiMessages.GetChannelAuthCapsRequest(w.UdpPayload, _rqSeq, 0x04), b => IpmiMessages.GetChannelAuthCapsResponse(b, _rqSeq, Bmc), t, oneWay, 1.0, Retries))
        {
            yield return x;
        }

        if (!_lastOk)
        {
            EndTime = _now;
            yield break;
        }

        var suite = Suite;
        if (Style == IpmiClientStyle.Ipmitool && Suite != 0)
        {
            // ipmitool 1.8.19 asks for the suite list (records in 16-byte chunks, list index 0x80, 0x81 …).
            // The chunk count depends on the BMC's configuration; its draws come from a stream of their
            // own so that a BMC that lists one suite more does not change the rest of the session.
            var records = IpmiMessages.CipherSuiteRecords(Bmc);
            var main = r;
            r = new Random(main.Next());
            for (var index = 0; index * 16 <= records.Length; index++)
            {
                var chunk = records.AsSpan(index * 16, Math.Min(16, records.Length - (index * 16))).ToArray();
                var listIndex = (byte)(0x80 | index);
                var request = new byte[16];
                var reqLen = IpmiMessages.Request(request, IpmiMessages.NetFnApp, 0x54, 0, [0x0E, 0x00, listIndex]);
                var response = new byte[32];
                var respLen = IpmiMessages.Response(response, IpmiMessages.NetFnApp, 0x54, 0, 0x00, [Bmc.LanChannel, .. chunk]);
                t = _now + r.Micros(100, 600);
                foreach (var x in Exchange(w, r, () => IpmiMessages.PlainV2(w.UdpPayload, request.AsSpan(0, reqLen)), b => IpmiMessages.PlainV2(b, response.AsSpan(0, respLen)), t, oneWay, 1.0, Retries))
                {
                    yield return x;
                }

                if (!_lastOk)
                {
                    EndTime = _now;
                    yield break;
                }
            }

            r = main;
        }

        _crypto?.Dispose();
        _crypto = new IpmiCrypto(suite, User, Password, Role);
        var c = _crypto;
        c.ConsoleSessionId = Style == IpmiClientStyle.Ipmitool ? 0xA0A2A3A4u : (uint)r.NextInt64(1, uint.MaxValue);
        c.BmcSessionId = (uint)r.NextInt64(0x0100, uint.MaxValue);
        Bmc.Guid.CopyTo(c.BmcGuid, 0);
        r.NextBytes(c.ConsoleRandom);
        r.NextBytes(c.BmcRandom);
        var privilege = Style == IpmiClientStyle.Ipmitool ? (byte)0x00 : (byte)(Role & 0x0F);
        var accepted = suite != 0 || Bmc.AcceptsCipherZero;

        t = _now + r.Micros(100, 800);
        foreach (var x in Exchange(
            w, r,
            () => IpmiMessages.OpenSessionRequestMessage(w.UdpPayload, tag, privilege, c.ConsoleSessionId, c.AuthAlgorithm, c.IntegrityAlgorithm, c.ConfidentialityAlgorithm),
            b => IpmiMessages.OpenSessionResponseMessage(b, tag, accepted ? (byte)0x00 : (byte)0x11, 0x04, c.ConsoleSessionId, c.BmcSessionId, c.AuthAlgorithm, c.IntegrityAlgorithm, c.ConfidentialityAlgorithm),
            t, oneWay, 2.0, Retries))
        {
            yield return x;
        }

        if (!_lastOk || !accepted)
        {
            EndTime = _now;
            yield break;
        }

        var known = FindPassword(Bmc, User) is not null;
        var userBytes = System.Text.Encoding.ASCII.GetBytes(User);
        var code = new byte[32];
        var codeLength = c.Rakp2Code(code);
        t = _now + r.Micros(100, 800);
        tag++;
        foreach (var x in Exchange(
            w, r,
            () => IpmiMessages.Rakp1Message(w.UdpPayload, tag, c.BmcSessionId, c.ConsoleRandom, Role, userBytes),
            b => IpmiMessages.Rakp2Message(b, tag, known ? (byte)0x00 : (byte)0x0D, c.ConsoleSessionId, c.BmcRandom, c.BmcGuid, code.AsSpan(0, codeLength)),
            t, oneWay, 4.0, Retries))
        {
            yield return x;
        }

        if (!_lastOk || !known)
        {
            EndTime = _now;
            yield break;
        }

        var rakp3 = new byte[32];
        var rakp3Length = c.Rakp3Code(rakp3);
        c.DeriveKeys();
        var icv = new byte[16];
        var icvLength = c.Rakp4Icv(icv);
        t = _now + r.Micros(200, 1_500);
        tag++;
        foreach (var x in Exchange(
            w, r,
            () => IpmiMessages.Rakp3Message(w.UdpPayload, tag, 0x00, c.BmcSessionId, rakp3.AsSpan(0, rakp3Length)),
            b => IpmiMessages.Rakp4Message(b, tag, 0x00, c.ConsoleSessionId, icv.AsSpan(0, icvLength)),
            t, oneWay, 4.0, Retries))
        {
            yield return x;
        }

        if (!_lastOk)
        {
            EndTime = _now;
            yield break;
        }

        Established = true;
        _consoleSeq = 1;
        _bmcSeq = 1;
        foreach (var x in Continue(w, r, _now + r.Micros(100, 800), [IpmiCommands.SetSessionPrivilege(0x04), .. Commands], close: !KeepOpen))
        {
            yield return x;
        }
    }

    /// <summary>
    /// Sends commands inside the established session (encrypted and authenticated, or in clear for
    /// suite 0), and Close Session at the end when <paramref name="close"/>.
    /// </summary>
    public IEnumerable<long> Continue(Wire w, Random r, long start, IReadOnlyList<IpmiCommand> commands, bool close)
    {
        w.Pattern = Pattern;
        var c = _crypto!;
        var oneWay = Latency(r);
        var t = start;
        var request = new byte[64];
        var response = new byte[300];
        var iv = new byte[16];
        var list = close ? [.. commands, IpmiCommands.CloseSession(c.BmcSessionId)] : commands;
        foreach (var command in list)
        {
            var seq = (byte)(_rqSeq++ & 0x3F);
            var reqLen = IpmiMessages.Request(request, command.NetFn, command.Command, seq, command.Request);
            var data = command.Response(Bmc, r);
            var respLen = IpmiMessages.Response(response, command.NetFn, command.Command, seq, data[0], data.AsSpan(1));
            var slow = command.Command == 0x23 || command.Command == 0x43 ? 1.5 : 1.0;
            foreach (var x in Exchange(
                w, r,
                () =>
                {
                    r.NextBytes(iv);
                    return c.Seal(w.UdpPayload, c.BmcSessionId, _consoleSeq++, request.AsSpan(0, reqLen), iv);
                },
                b =>
                {
                    r.NextBytes(iv);
                    return c.Seal(b, c.ConsoleSessionId, _bmcSeq++, response.AsSpan(0, respLen), iv);
                },
                t, oneWay, slow, Retries))
            {
                yield return x;
            }

            if (!_lastOk)
            {
                break;
            }

            // The tool parses the reply and sends the next request: tens to hundreds of microseconds.
            t = _now + r.Micros(60, 400);
        }

        EndTime = _now;
    }

    public void Dispose() => _crypto?.Dispose();

    public static string? FindPassword(Bmc bmc, string user)
    {
        foreach (var (u, p) in bmc.Users)
        {
            if (string.Equals(u, user, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    private int Retries => Style switch
    {
        IpmiClientStyle.Ipmitool => 4,   // ipmitool -R default
        IpmiClientStyle.OpenIpmi => 3,
        _ => 6,                          // FreeIPMI retransmits until its 20 s session timeout
    };

    private long _now;
    private bool _lastOk;

    /// <summary>
    /// A request and its reply; the request is rebuilt on every retransmission (new session sequence, new
    /// IV), as the real clients do. Sets <see cref="_now"/> to the time of the last packet and
    /// <see cref="_lastOk"/> to whether a reply came.
    /// </summary>
    private IEnumerable<long> Exchange(Wire w, Random r, Func<int> buildRequest, Func<Span<byte>, int> buildReply, long t, long oneWay, double work, int retries)
    {
        // ipmitool and FreeIPMI both time a request out after one second (-N 1, retransmission-timeout 1000).
        var timeout = SimTime.Second;
        for (var attempt = 0; attempt <= retries; attempt++)
        {
            if (Reachability.ArpFailing(Bmc, t))
            {
                yield return Reachability.ArpRequest(w, Site, Console, Bmc, t);
            }
            else
            {
                var n = buildRequest();
                yield return w.Udp(t, Console, ConsolePort, Bmc, 623, n);
            }

            _now = t;
            var replyAt = t + oneWay + Processing(r, work) + oneWay;
            var lost = !Bmc.IsUp(t) || !Bmc.IsUp(replyAt) || r.Chance(LossRate);
            if (!lost)
            {
                var m = buildReply(w.UdpPayload);
                yield return w.Udp(replyAt - oneWay, Bmc, 623, Console, ConsolePort, m);
                _now = replyAt - oneWay;
                _lastOk = true;
                yield break;
            }

            // ipmitool waits a little longer on each retry; FreeIPMI backs off every second attempt.
            t += Style == IpmiClientStyle.Ipmitool ? timeout + (attempt * SimTime.Second) : timeout << (attempt / 2);
        }

        _lastOk = false;
    }

    private long Processing(Random r, double work) => (long)(Bmc.ProcessingMs * work * r.LogNormal(1.0, 0.35) * SimTime.Millisecond);

    private long Latency(Random r) => r.Micros(80, 250) + (Console.Local ? 0 : r.Micros(150, 400));
}
