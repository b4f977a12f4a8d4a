using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// Rules that need more than one packet: decisions deferred until a deadline (RAKP3 after RAKP2, a session
/// after a discovery probe) and counts across flows per (console, BMC) or per source, all in packet time
/// and in bounded tables.
/// </summary>
public sealed partial class IpmiAnalyzer
{
    /// <summary>Host pairs and sources tracked per cross-flow rule; beyond it the stalest are forgotten.</summary>
    private const int MaxTrackedKeys = 4096;

    /// <summary>Events kept per key; thresholds above it cannot be reached (the defaults are 2–5).</summary>
    private const int MaxEventsPerKey = 256;

    /// <summary>Decisions waiting for their deadline; when full the oldest is decided early.</summary>
    private const int MaxDeferred = 65_536;

    /// <summary>BMCs remembered for once-per-BMC configuration findings.</summary>
    private const int MaxReportedHosts = 65_536;

    /// <summary>
    /// Time after a discovery probe within which a client that is about to log in starts its session:
    /// ipmitool and freeipmi send Open Session or Get Session Challenge within milliseconds of the reply.
    /// </summary>
    private const long ProbeGraceNs = 2_000_000_000;

    /// <summary>A sweep by one source is reported at most hourly (the pipeline's incident window) whatever its targets.</summary>
    private const long SweepRepeatNs = 3_600_000_000_000;

    // Thresholds by name (Signatures.cs holds their defaults and meanings).
    private static readonly Threshold HarvestNames = Signatures.IpmiHashHarvesting.Thresholds[0];
    private static readonly Threshold HarvestAttempts = Signatures.IpmiHashHarvesting.Thresholds[1];
    private static readonly Threshold HarvestWindow = Signatures.IpmiHashHarvesting.Thresholds[2];
    private static readonly Threshold HarvestRakp3Deadline = Signatures.IpmiHashHarvesting.Thresholds[3];
    private static readonly Threshold EnumerationNames = Signatures.IpmiUserEnumeration.Thresholds[0];
    private static readonly Threshold EnumerationWindow = Signatures.IpmiUserEnumeration.Thresholds[1];
    private static readonly Threshold GuessingFailures = Signatures.IpmiPasswordGuessing.Thresholds[0];
    private static readonly Threshold GuessingWindow = Signatures.IpmiPasswordGuessing.Thresholds[1];
    private static readonly Threshold SweepTargets = Signatures.IpmiDiscoverySweep.Thresholds[0];
    private static readonly Threshold SweepWindow = Signatures.IpmiDiscoverySweep.Thresholds[1];

    private readonly Queue<Deferred> _harvestQueue = new();
    private readonly Queue<Deferred> _probeQueue = new();
    private readonly WindowedTally<(HostAddress Console, HostAddress Bmc)> _harvest = new(MaxTrackedKeys, MaxEventsPerKey);
    private readonly WindowedTally<(HostAddress Console, HostAddress Bmc)> _unknownUsers = new(MaxTrackedKeys, MaxEventsPerKey);
    private readonly WindowedTally<(HostAddress Console, HostAddress Bmc)> _guesses = new(MaxTrackedKeys, MaxEventsPerKey);
    private readonly WindowedTally<HostAddress> _probes = new(MaxTrackedKeys, MaxEventsPerKey);
    private readonly ReportLimiter<HostAddress> _sweepReports = new(MaxTrackedKeys);
    private readonly ReportLimiter<(int Signature, HostAddress Bmc)> _postureReports = new(MaxReportedHosts);

    /// <summary>(console, BMC) pairs held by the hash-harvesting tally (for tests of its bound).</summary>
    internal int TrackedConsoleBmcPairs => _harvest.Count;

    /// <summary>A decision to take at <see cref="Due"/> about a flow (identified by index and serial) and an item in it.</summary>
    private readonly record struct Deferred(long Due, int Flow, long FlowSerial, long ItemSerial);

    private void Defer(Queue<Deferred> queue, Deferred item, AnalyzerContext context)
    {
        if (queue.Count >= MaxDeferred)
        {
            Settle(queue, queue.Dequeue(), context);
        }

        queue.Enqueue(item);
    }

    private void SettleDue(long now, AnalyzerContext context)
    {
        while (_harvestQueue.Count > 0 && _harvestQueue.Peek().Due <= now)
        {
            Settle(_harvestQueue, _harvestQueue.Dequeue(), context);
        }

        while (_probeQueue.Count > 0 && _probeQueue.Peek().Due <= now)
        {
            Settle(_probeQueue, _probeQueue.Dequeue(), context);
        }
    }

    private void Settle(Queue<Deferred> queue, Deferred item, AnalyzerContext context)
    {
        var state = _states.Find(item.Flow);
        if (state is null || state.Serial != item.FlowSerial)
        {
            return; // the flow ended (and was settled then)
        }

        if (ReferenceEquals(queue, _probeQueue))
        {
            if (state.ProbePending)
            {
                SettleProbe(state, context);
            }

            return;
        }

        if (state.FindBySerial(item.ItemSerial) is { Exchange: HarvestExchange.Pending } session)
        {
            Harvested(state, session, context);
        }
    }

    /// <summary>Takes every pending decision of a flow that is ending.</summary>
    private void SettleFlow(IpmiFlowState state, AnalyzerContext context)
    {
        foreach (var s in state.Sessions)
        {
            if (s is { Exchange: HarvestExchange.Pending } && s.State != SessionState.None)
            {
                Harvested(state, s, context);
            }
        }

        if (state.ProbePending)
        {
            SettleProbe(state, context);
        }
    }

    /// <summary>
    /// A RAKP2 password hash got no RAKP3 (CVE-2013-4786). One such exchange is also what ipmitool does with
    /// a wrong password, so the rule needs several names or attempts from one console to one BMC, counted
    /// across flows (Metasploit's ipmi_dumphashes opens a new socket per user name).
    /// </summary>
    private void Harvested(IpmiFlowState state, IpmiSession s, AnalyzerContext context)
    {
        s.Exchange = HarvestExchange.Unanswered;
        state.Rakp2WithoutRakp3++;
        var console = s.ConsoleIsOriginator ? state.Originator : state.Responder;
        var bmc = s.ConsoleIsOriginator ? state.Responder : state.Originator;
        var window = context.Settings.Nanoseconds(HarvestWindow);
        var (attempts, names) = _harvest.Add((console, bmc), s.Rakp2Time, window, s.UserHash, distinctOnly: false);
        if (names < context.Settings[HarvestNames] && attempts < context.Settings[HarvestAttempts])
        {
            return;
        }

        var packet = PacketOf(state, s.Rakp2Time, s.Rakp2Packet);
        var c = CultureInfo.InvariantCulture;
        context.Alert(Signatures.IpmiHashHarvesting, packet,
            string.Create(c, $"{console} obtained RAKP2 password hashes from {bmc} for {names} user name(s) in {attempts} exchange(s) without sending a valid RAKP3: offline-crackable (CVE-2013-4786)"),
            [
                new("ipmi.usernames", names.ToString(c)),
                new("ipmi.attempts", attempts.ToString(c)),
                new("ipmi.window_seconds", (window / 1_000_000_000).ToString(c)),
                new("ipmi.user", s.UserFingerprint ?? "unknown"),
                new("ipmi.rakp2_auth_code_length", s.Rakp2AuthCodeLength.ToString(c)),
            ],
            incidentKey: null, fromResponder: !s.ConsoleIsOriginator);
    }

    /// <summary>RAKP2 status 0x0D (unauthorized name): the BMC says the user does not exist.</summary>
    private void CountUnknownUser(IpmiSession s, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var console = packet.Destination;
        var window = context.Settings.Nanoseconds(EnumerationWindow);
        var (_, names) = _unknownUsers.Add((console, packet.Source), packet.Timestamp, window, s.UserHash, distinctOnly: true);
        if (names >= context.Settings[EnumerationNames])
        {
            var c = CultureInfo.InvariantCulture;
            AlertConsole(context, Signatures.IpmiUserEnumeration, packet, packetFromConsole: false,
                string.Create(c, $"{console} tried {names} user names that BMC {packet.Source} does not know (RAKP2 status unauthorized_name)"),
                [new("ipmi.unknown_usernames", names.ToString(c)), new("ipmi.window_seconds", (window / 1_000_000_000).ToString(c)), new("ipmi.user", s.UserFingerprint ?? "unknown")]);
        }

    }

    /// <summary>RAKP4 status 0x0F or 0x0D: the password proven in RAKP3 was wrong.</summary>
    private void CountGuess(IpmiSession s, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var console = packet.Destination;
        var window = context.Settings.Nanoseconds(GuessingWindow);
        var (failures, names) = _guesses.Add((console, packet.Source), packet.Timestamp, window, s.UserHash, distinctOnly: false);
        if (failures >= context.Settings[GuessingFailures])
        {
            var c = CultureInfo.InvariantCulture;
            AlertConsole(context, Signatures.IpmiPasswordGuessing, packet, packetFromConsole: false,
                string.Create(c, $"BMC {packet.Source} rejected {failures} RAKP3 password proofs from {console} (RAKP4 failures) for {names} user name(s)"),
                [
                    new("ipmi.failures", failures.ToString(c)),
                    new("ipmi.usernames", names.ToString(c)),
                    new("ipmi.window_seconds", (window / 1_000_000_000).ToString(c)),
                    new("ipmi.user", s.UserFingerprint ?? "unknown"),
                ]);
        }

    }

    /// <summary>An ASF presence ping or capabilities request: a discovery probe unless a session follows.</summary>
    private void NoteProbe(IpmiFlowState state, scoped in AnalyzerPacket packet, bool byOriginator, AnalyzerContext context)
    {
        if (state.ProbePending || state.ProbeSettled || state.SessionActivity)
        {
            return;
        }

        state.ProbePending = true;
        state.ProbeByOriginator = byOriginator;
        state.ProbeTime = packet.Timestamp;
        state.ProbePacket = packet.PacketNumber;
        Defer(_probeQueue, new Deferred(packet.Timestamp + ProbeGraceNs, state.Flow, state.Serial, 0), context);
    }

    /// <summary>
    /// A pong or capabilities response in a flow where no probe was seen: the probe went to a broadcast
    /// address (rmcp_ping), so the answering BMC counts as probed by the receiver.
    /// </summary>
    private void NoteProbeAnswer(IpmiFlowState state, scoped in AnalyzerPacket packet, AnalyzerContext context) =>
        NoteProbe(state, packet, byOriginator: !packet.FromOriginator, context);

    private void SettleProbe(IpmiFlowState state, AnalyzerContext context)
    {
        state.ProbePending = false;
        state.ProbeSettled = true;
        if (state.SessionActivity)
        {
            return; // a client about to log in, not a scanner
        }

        var prober = state.ProbeByOriginator ? state.Originator : state.Responder;
        var target = state.ProbeByOriginator ? state.Responder : state.Originator;
        var window = context.Settings.Nanoseconds(SweepWindow);
        // Distinct targets by a 64-bit mix of the address (exact for IPv4, whose high word is 0).
        var (_, targets) = _probes.Add(prober, state.ProbeTime, window, target.High ^ (target.Low * 0x9E37_79B9_7F4A_7C15UL), distinctOnly: true);
        if (targets < context.Settings[SweepTargets] || !_sweepReports.TryReport(prober, state.ProbeTime, SweepRepeatNs))
        {
            return;
        }

        var c = CultureInfo.InvariantCulture;
        var packet = PacketOf(state, state.ProbeTime, state.ProbePacket);
        context.Alert(Signatures.IpmiDiscoverySweep, packet,
            string.Create(c, $"{prober} sent ASF presence pings or IPMI capability probes to {targets} hosts on UDP 623 within {window / 1_000_000_000} s without logging in to any"),
            [new("ipmi.targets", targets.ToString(c)), new("ipmi.window_seconds", (window / 1_000_000_000).ToString(c))],
            incidentKey: null, fromResponder: !state.ProbeByOriginator);
    }

    /// <summary>ASF reset/power messages (DSP0136 §3.2.4.1) carry no authentication at all.</summary>
    private static void AlertAsfPowerControl(scoped in AnalyzerPacket packet, byte type, AnalyzerContext context)
    {
        var what = type switch
        {
            0x10 => "reset",
            0x11 => "power-up",
            0x12 => "power-down",
            _ => "power-cycle",
        };
        context.Alert(Signatures.AsfRemoteControl, packet,
            $"{packet.Source} sent an unauthenticated ASF {what} message to {packet.Destination}",
            [new("asf.message", what)], incidentKey: null, fromResponder: !packet.FromOriginator);
    }

    /// <summary>Raises an alert from the console to the BMC, whichever of them sent the packet.</summary>
    private static void AlertConsole(AnalyzerContext context, Signature signature, scoped in AnalyzerPacket packet, bool packetFromConsole,
        string description, IReadOnlyList<KeyValuePair<string, string>>? evidence, string? incidentKey = null) =>
        context.Alert(signature, packet, description, evidence, incidentKey,
            fromResponder: packetFromConsole ? !packet.FromOriginator : packet.FromOriginator);

    private static HostAddress ConsoleOf(scoped in AnalyzerPacket packet, bool packetFromConsole) => packetFromConsole ? packet.Source : packet.Destination;

    private static HostAddress BmcOf(scoped in AnalyzerPacket packet, bool packetFromConsole) => packetFromConsole ? packet.Destination : packet.Source;

    private static KeyValuePair<string, string>[] UserEvidence(IpmiFlowState state, string authType) =>
        state.UserFingerprint is null
            ? [new("ipmi.auth_type", authType)]
            : [new("ipmi.auth_type", authType), new("ipmi.user", state.UserFingerprint),
               new("ipmi.user_length", state.UserLength.ToString(CultureInfo.InvariantCulture))];

    private static KeyValuePair<string, string>[] AlgorithmEvidence(in AlgorithmSet a, string name, string value)
    {
        var id = CipherSuites.IdOf(a.Authentication, a.Integrity, a.Confidentiality);
        return
        [
            new("ipmi.auth_alg", (a.Wildcards & 1) != 0 ? "wildcard" : IpmiNames.AuthenticationAlgorithm(a.Authentication)),
            new("ipmi.integrity_alg", (a.Wildcards & 2) != 0 ? "wildcard" : IpmiNames.IntegrityAlgorithm(a.Integrity)),
            new("ipmi.confidentiality_alg", (a.Wildcards & 4) != 0 ? "wildcard" : IpmiNames.ConfidentialityAlgorithm(a.Confidentiality)),
            new("ipmi.cipher_suite", a.Complete && id >= 0 ? id.ToString(CultureInfo.InvariantCulture) : "non_standard"),
            new(name, value),
        ];
    }

    /// <summary>A packet of <paramref name="state"/>'s flow for an alert decided after the fact, with the time and number of its evidence.</summary>
    private static AnalyzerPacket PacketOf(IpmiFlowState state, long time, long number) =>
        new(time, number, state.Flow, fromOriginator: true, state.Originator, state.OriginatorPort, state.Responder, state.ResponderPort,
            state.Protocol, state.IpVersion, tcpFlags: 0, sequence: 0, payloadLength: 0, payload: default);
}
