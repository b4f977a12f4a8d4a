using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Analyzers.Snmp;

/// <summary>
/// SNMP v1/v2c/v3 on UDP 161 (agents) and 162 (trap receivers): version, PDU types, request/response
/// bookkeeping, error statuses, and for v3 the security model and level, engine id and USM reports.
/// Community strings and USM user names are credentials: they leave the analyzer only as a keyed
/// fingerprint and a length. Rules: community guessing (<see cref="Signatures.SnmpCommunityGuessing"/>),
/// SET requests from hosts that are not managers (<see cref="Signatures.SnmpSetFromNonManager"/>) and agents
/// that answer a well-known default community (<see cref="Signatures.SnmpDefaultCommunity"/>).
/// </summary>
public sealed class SnmpAnalyzer : IProtocolAnalyzer
{
    /// <summary>Sources tracked for community guessing at once (each holds a few fingerprints).</summary>
    private const int MaxGuessingSources = 16_384;

    /// <summary>Requests awaiting an answer per flow; a walk keeps one outstanding, a bulk poller a few.</summary>
    private const int MaxOutstanding = 32;

    /// <summary>Distinct communities remembered per flow (a guesser reusing one socket sends many).</summary>
    private const int MaxFlowCommunities = 16;

    /// <summary>Fingerprints and lengths listed in the flow record; the count says how many there were.</summary>
    private const int ListedCommunities = 4;

    /// <summary>RFC 3411 §5: snmpEngineID is 5–32 octets; anything longer is cut in the flow record.</summary>
    private const int MaxEngineIdOctets = 32;

    /// <summary>Agents remembered for the daily repeat of the default-community finding.</summary>
    private const int MaxReportedAgents = 65_536;

    /// <summary>Output order of <c>snmp.pdu_types</c>: requests, answers, notifications.</summary>
    private static readonly SnmpPdu[] PduOrder =
    [
        SnmpPdu.Get, SnmpPdu.GetNext, SnmpPdu.GetBulk, SnmpPdu.Set, SnmpPdu.Response,
        SnmpPdu.TrapV1, SnmpPdu.TrapV2, SnmpPdu.Inform, SnmpPdu.Report,
    ];

    /// <summary>error-status names (RFC 3416 §3), by value.</summary>
    private static readonly string[] ErrorStatusNames =
    [
        "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
        "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue", "resourceUnavailable",
        "commitFailed", "undoFailed", "authorizationError", "notWritable", "inconsistentName",
    ];

    /// <summary>usmStats counters (RFC 3414 §5) named by Report PDUs, by last arc 1–6.</summary>
    private static readonly string[] UsmReportNames =
    [
        "", "unsupportedSecLevels", "notInTimeWindows", "unknownUserNames", "unknownEngineIDs", "wrongDigests", "decryptionErrors",
    ];

    private readonly FlowStates<State> _states = new();
    private readonly SnmpPollers _pollers = new();
    private readonly ReportLimiter<HostAddress> _defaultCommunityReports = new(MaxReportedAgents);
    private WindowedDistinctCounter<HostAddress, string>? _guesses;

    /// <inheritdoc/>
    public string Name => "snmp";

    /// <inheritdoc/>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Udp, 161), new(IpProtocol.Udp, 162)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        // A whole, well-formed message with a known PDU (or an encrypted v3 one): random UDP payloads
        // starting 0x30 almost never survive a full BER walk. SNMP over TCP (RFC 3430) is too rare to guess.
        if (packet.Protocol != IpProtocol.Udp || packet.Payload.Length == 0 || packet.Payload[0] != 0x30 || packet.Truncated)
        {
            return false;
        }

        var violation = SnmpParser.Parse(packet.Payload, packet.PayloadLength, out var m);
        return violation is null && !m.CaptureTruncated && (m.HasPdu || (m.HasV3Header && m.Encrypted));
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var violation = SnmpParser.Parse(packet.Payload, packet.PayloadLength, out var m);
        if (violation is not null)
        {
            context.Anomaly(Name, violation, packet);
        }

        if (!m.HasCommunity && !m.HasV3Header)
        {
            return; // not recognisably SNMP: nothing to record
        }

        context.Confirm(packet);
        var state = _states.Get(packet.Flow);
        state.Versions |= (byte)(m.Version switch { 0 => 1, 1 => 2, _ => 4 });
        string? communityFp = null;
        if (m.HasCommunity)
        {
            communityFp = CommunityFingerprint(state, SnmpMessage.Bytes(packet.Payload, m.Community), context);
        }

        if (m.HasV3Header)
        {
            RecordV3(state, ref m, packet.Payload, context);
        }

        if (!m.HasPdu)
        {
            return;
        }

        state.PduTypes |= (ushort)(1 << (int)m.Pdu);
        state.VarBinds += m.VarBinds;
        switch (m.Pdu)
        {
            case SnmpPdu.Get:
            case SnmpPdu.GetNext:
                state.GetRequests++;
                Outstanding(state, m.RequestId, m.Pdu);
                break;
            case SnmpPdu.GetBulk:
                state.BulkRequests++;
                Outstanding(state, m.RequestId, m.Pdu);
                break;
            case SnmpPdu.Set:
                state.SetRequests++;
                Outstanding(state, m.RequestId, m.Pdu);
                CheckSet(packet, ref m, communityFp, state, context);
                break;
            case SnmpPdu.Inform:
                state.Notifications++;
                Outstanding(state, m.RequestId, m.Pdu);
                break;
            case SnmpPdu.TrapV1:
            case SnmpPdu.TrapV2:
                state.Notifications++;
                break;
            case SnmpPdu.Response:
            case SnmpPdu.Report:
                Answered(packet, ref m, communityFp, state);
                // A trap receiver acknowledging an Inform answers from 162 with the sender's community: not an agent.
                if (m.Pdu == SnmpPdu.Response && communityFp is not null && packet.SourcePort != 162)
                {
                    CheckDefaultCommunity(packet, SnmpMessage.Bytes(packet.Payload, m.Community), communityFp, ref m, context);
                }

                break;
        }

        if (communityFp is not null && m.Pdu is SnmpPdu.Get or SnmpPdu.GetNext or SnmpPdu.GetBulk or SnmpPdu.Set)
        {
            CheckGuessing(packet, communityFp, ref m, context);
        }
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var s = _states.Find(flow);
        if (s is not null && s.Versions != 0)
        {
            Write(s, fields);
        }

        if (final)
        {
            _states.Release(flow);
        }
    }

    private static void Write(State s, List<KeyValuePair<string, string>> fields)
    {
        var versions = new List<string>(3);
        if ((s.Versions & 1) != 0)
        {
            versions.Add("1");
        }

        if ((s.Versions & 2) != 0)
        {
            versions.Add("2c");
        }

        if ((s.Versions & 4) != 0)
        {
            versions.Add("3");
        }

        fields.Add(new("snmp.version", string.Join(',', versions)));
        if (s.PduTypes != 0)
        {
            var types = new List<string>(PduOrder.Length);
            foreach (var pdu in PduOrder)
            {
                if ((s.PduTypes & (1 << (int)pdu)) != 0)
                {
                    types.Add(PduName(pdu));
                }
            }

            fields.Add(new("snmp.pdu_types", string.Join(',', types)));
        }

        AddCount(fields, "snmp.get_requests", s.GetRequests);
        AddCount(fields, "snmp.getbulk_requests", s.BulkRequests);
        AddCount(fields, "snmp.set_requests", s.SetRequests);
        AddCount(fields, "snmp.responses", s.Responses);
        AddCount(fields, "snmp.notifications", s.Notifications);
        AddCount(fields, "snmp.reports", s.Reports);
        AddCount(fields, "snmp.varbinds", s.VarBinds);
        if (s.GetRequests + s.BulkRequests + s.SetRequests > 0 || s.Unanswered + s.OutstandingCount > 0)
        {
            fields.Add(new("snmp.unanswered_requests", (s.Unanswered + s.OutstandingCount).ToString(CultureInfo.InvariantCulture)));
        }

        if (s.ErrorStatuses != 0)
        {
            var names = new List<string>();
            for (var i = 1; i < ErrorStatusNames.Length; i++)
            {
                if ((s.ErrorStatuses & (1u << i)) != 0)
                {
                    names.Add(ErrorStatusNames[i]);
                }
            }

            if ((s.ErrorStatuses & (1u << ErrorStatusNames.Length)) != 0)
            {
                names.Add("other");
            }

            fields.Add(new("snmp.error_status", string.Join(',', names)));
        }

        if (s.CommunityFingerprints.Count > 0)
        {
            var listed = Math.Min(ListedCommunities, s.CommunityFingerprints.Count);
            fields.Add(new("snmp.community_fp", string.Join(',', s.CommunityFingerprints.GetRange(0, listed))));
            fields.Add(new("snmp.community_len", string.Join(',', s.CommunityLengths.GetRange(0, listed).Select(n => n.ToString(CultureInfo.InvariantCulture)))));
            fields.Add(new("snmp.communities", s.CommunityFingerprints.Count.ToString(CultureInfo.InvariantCulture)));
        }

        if (s.SecurityModel >= 0)
        {
            fields.Add(new("snmp.security_model", s.SecurityModel == 3 ? "usm" : s.SecurityModel.ToString(CultureInfo.InvariantCulture)));
        }

        if (s.SecurityLevels != 0)
        {
            var levels = new List<string>(3);
            if ((s.SecurityLevels & 1) != 0)
            {
                levels.Add("noAuthNoPriv");
            }

            if ((s.SecurityLevels & 2) != 0)
            {
                levels.Add("authNoPriv");
            }

            if ((s.SecurityLevels & 4) != 0)
            {
                levels.Add("authPriv");
            }

            fields.Add(new("snmp.security_level", string.Join(',', levels)));
        }

        if (s.UserFingerprint is not null)
        {
            fields.Add(new("snmp.user_fp", s.UserFingerprint));
            fields.Add(new("snmp.user_len", s.UserLength.ToString(CultureInfo.InvariantCulture)));
        }

        if (s.EngineId is not null)
        {
            fields.Add(new("snmp.engine_id", s.EngineId));
        }

        if (s.UsmReports != 0)
        {
            var names = new List<string>();
            for (var i = 1; i < UsmReportNames.Length; i++)
            {
                if ((s.UsmReports & (1 << i)) != 0)
                {
                    names.Add(UsmReportNames[i]);
                }
            }

            fields.Add(new("snmp.usm_reports", string.Join(',', names)));
        }

        AddCount(fields, "snmp.encrypted_pdus", s.EncryptedPdus);
    }

    private static void AddCount(List<KeyValuePair<string, string>> fields, string name, long value)
    {
        if (value > 0)
        {
            fields.Add(new(name, value.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static string PduName(SnmpPdu pdu) => pdu switch
    {
        SnmpPdu.Get => "get",
        SnmpPdu.GetNext => "getnext",
        SnmpPdu.Response => "response",
        SnmpPdu.Set => "set",
        SnmpPdu.TrapV1 => "trap",
        SnmpPdu.GetBulk => "getbulk",
        SnmpPdu.Inform => "inform",
        SnmpPdu.TrapV2 => "trapv2",
        _ => "report",
    };

    private static string VersionName(long version) => version switch { 0 => "1", 1 => "2c", _ => "3" };

    /// <summary>The community's fingerprint, remembered in the flow's list of distinct ones.</summary>
    private static string CommunityFingerprint(State state, ReadOnlySpan<byte> community, AnalyzerContext context)
    {
        var fp = context.Fingerprints.Fingerprint(community);
        if (state.CommunityFingerprints.Count < MaxFlowCommunities && !state.CommunityFingerprints.Contains(fp))
        {
            state.CommunityFingerprints.Add(fp);
            state.CommunityLengths.Add(community.Length);
        }

        return fp;
    }

    private static void RecordV3(State state, ref SnmpMessage m, ReadOnlySpan<byte> payload, AnalyzerContext context)
    {
        state.SecurityModel = m.SecurityModel;
        var auth = (m.MsgFlags & 0x01) != 0;
        var priv = (m.MsgFlags & 0x02) != 0;
        state.SecurityLevels |= (byte)(priv && auth ? 4 : auth ? 2 : 1);
        if (m.Encrypted)
        {
            state.EncryptedPdus++;
        }

        if (!m.HasUsm)
        {
            return;
        }

        if (m.UserName.Length > 0 && state.UserFingerprint is null)
        {
            state.UserFingerprint = context.Fingerprints.Fingerprint(SnmpMessage.Bytes(payload, m.UserName));
            state.UserLength = m.UserName.Length;
        }

        if (m.EngineId.Length > 0 && state.EngineId is null)
        {
            state.EngineId = Convert.ToHexStringLower(SnmpMessage.Bytes(payload, m.EngineId)[..Math.Min(m.EngineId.Length, MaxEngineIdOctets)]);
        }
    }

    private static void Outstanding(State state, long requestId, SnmpPdu pdu)
    {
        state.OutstandingIds ??= new long[MaxOutstanding];
        state.OutstandingPdus ??= new SnmpPdu[MaxOutstanding];
        if (state.OutstandingCount == MaxOutstanding)
        {
            // The oldest has waited through 32 newer requests: count it as unanswered and forget it.
            state.Unanswered++;
            Array.Copy(state.OutstandingIds, 1, state.OutstandingIds, 0, MaxOutstanding - 1);
            Array.Copy(state.OutstandingPdus, 1, state.OutstandingPdus, 0, MaxOutstanding - 1);
            state.OutstandingCount--;
        }

        state.OutstandingIds[state.OutstandingCount] = requestId;
        state.OutstandingPdus[state.OutstandingCount] = pdu;
        state.OutstandingCount++;
    }

    /// <summary>A Response or Report: settles the matching request, learns pollers, marks the community accepted.</summary>
    private void Answered(scoped in AnalyzerPacket packet, ref SnmpMessage m, string? communityFp, State state)
    {
        if (m.Pdu == SnmpPdu.Report)
        {
            state.Reports++;
            if (m.UsmReport > 0)
            {
                state.UsmReports |= (byte)(1 << m.UsmReport);
            }
        }
        else
        {
            state.Responses++;
            state.ErrorStatuses |= m.ErrorStatus is > 0 and < 19 ? 1u << (int)m.ErrorStatus : m.ErrorStatus != 0 ? 1u << ErrorStatusNames.Length : 0;
        }

        var requester = packet.Destination;
        var agent = packet.Source;
        for (var i = 0; i < state.OutstandingCount; i++)
        {
            if (state.OutstandingIds![i] != m.RequestId)
            {
                continue;
            }

            var request = state.OutstandingPdus![i];
            Array.Copy(state.OutstandingIds, i + 1, state.OutstandingIds, i, state.OutstandingCount - i - 1);
            Array.Copy(state.OutstandingPdus, i + 1, state.OutstandingPdus, i, state.OutstandingCount - i - 1);
            state.OutstandingCount--;

            // A Response (not a Report: v3 refusals come as Reports) means the agent accepted the credential.
            if (m.Pdu == SnmpPdu.Response && request is SnmpPdu.Get or SnmpPdu.GetNext or SnmpPdu.GetBulk)
            {
                _pollers.Learn(requester, agent);
            }

            break;
        }

        if (m.Pdu == SnmpPdu.Response && communityFp is not null)
        {
            _guesses?.Exclude(requester, communityFp);
        }
    }

    /// <summary>
    /// 9102001: distinct communities from one source within the window, across flows and agents, not
    /// counting those an agent answered (wrong v1/v2c communities get no reply, RFC 3584 §5.2.1).
    /// </summary>
    private void CheckGuessing(scoped in AnalyzerPacket packet, string communityFp, ref SnmpMessage m, AnalyzerContext context)
    {
        var signature = Signatures.SnmpCommunityGuessing;
        var threshold = context.Settings[signature.Thresholds[0]];
        var window = context.Settings.Nanoseconds(signature.Thresholds[1]);
        _guesses ??= new WindowedDistinctCounter<HostAddress, string>(MaxGuessingSources, (int)Math.Clamp(threshold, 16, 1024));
        var source = packet.Source;
        var distinct = _guesses.Add(source, communityFp, packet.Timestamp, window);
        if (distinct < threshold || !_guesses.TryOpenIncident(source))
        {
            return;
        }

        var seconds = context.Settings[signature.Thresholds[1]].ToString(CultureInfo.InvariantCulture);
        context.Alert(signature, packet,
            string.Create(CultureInfo.InvariantCulture,
                $"{source} sent SNMP requests with {distinct} different community strings within {seconds} s that no agent answered (community guessing, as onesixtyone or nmap snmp-brute do)"),
            [
                new("snmp.communities_tried", distinct.ToString(CultureInfo.InvariantCulture)),
                new("snmp.version", VersionName(m.Version)),
                new("threshold", threshold.ToString(CultureInfo.InvariantCulture)),
                new("window_seconds", seconds),
            ]);
    }

    /// <summary>
    /// 9102003: an agent answered a request made with "public" or "private", the communities agents ship with
    /// (v1/v2c agents answer only a community they accept, RFC 3584 §5.2.1, and echo it in the Response).
    /// The community leaves only as its fingerprint and length, as everywhere else.
    /// </summary>
    private void CheckDefaultCommunity(scoped in AnalyzerPacket packet, ReadOnlySpan<byte> community, string communityFp, ref SnmpMessage m, AnalyzerContext context)
    {
        if (!(community.SequenceEqual("public"u8) || community.SequenceEqual("private"u8))
            || !_defaultCommunityReports.TryReport(packet.Source, packet.Timestamp, ReportLimiter.PostureInterval))
        {
            return;
        }

        context.Alert(Signatures.SnmpDefaultCommunity, packet,
            string.Create(CultureInfo.InvariantCulture,
                $"SNMP agent {packet.Source} answered {packet.Destination} with a well-known default community ({community.Length} characters, {communityFp}): anyone who can reach UDP {packet.SourcePort} can read it, and with the read-write default change it"),
            [
                new("snmp.version", VersionName(m.Version)),
                new("snmp.community_fp", communityFp),
                new("snmp.community_len", community.Length.ToString(CultureInfo.InvariantCulture)),
            ],
            incidentKey: null, fromResponder: !packet.FromOriginator);
    }

    /// <summary>9102002: a SetRequest from outside the configured manager networks, or (none configured) from a host never seen polling the agent.</summary>
    private void CheckSet(scoped in AnalyzerPacket packet, ref SnmpMessage m, string? communityFp, State state, AnalyzerContext context)
    {
        var source = packet.Source;
        var agent = packet.Destination;
        var managers = context.Site.ManagerNetworks;
        string reason;
        string basis;
        if (!managers.IsEmpty)
        {
            if (managers.Contains(source))
            {
                return;
            }

            reason = $"{source} is not in the configured manager networks";
            basis = "configured";
        }
        else
        {
            if (_pollers.Polled(source, agent))
            {
                return;
            }

            reason = $"no manager networks are configured and {source} was never seen polling {agent} in this capture";
            basis = "learned";
        }

        List<KeyValuePair<string, string>> evidence =
        [
            new("snmp.version", VersionName(m.Version)),
            new("snmp.varbinds", m.VarBinds.ToString(CultureInfo.InvariantCulture)),
            new("snmp.manager_basis", basis),
        ];
        if (communityFp is not null)
        {
            evidence.Add(new("snmp.community_fp", communityFp));
        }
        else if (state.UserFingerprint is not null)
        {
            evidence.Add(new("snmp.user_fp", state.UserFingerprint));
        }

        context.Alert(Signatures.SnmpSetFromNonManager, packet,
            string.Create(CultureInfo.InvariantCulture, $"{source} sent an SNMP SetRequest ({m.VarBinds} variable binding{(m.VarBinds == 1 ? "" : "s")}) to {agent}; {reason}"), evidence);
    }

    private sealed class State : IResettable
    {
        public byte Versions;
        public ushort PduTypes;
        public int GetRequests;
        public int BulkRequests;
        public int SetRequests;
        public int Responses;
        public int Notifications;
        public int Reports;
        public long VarBinds;
        public uint ErrorStatuses;
        public int Unanswered;
        public long[]? OutstandingIds;
        public SnmpPdu[]? OutstandingPdus;
        public int OutstandingCount;
        public readonly List<string> CommunityFingerprints = [];
        public readonly List<int> CommunityLengths = [];
        public long SecurityModel = -1;
        public byte SecurityLevels;
        public string? UserFingerprint;
        public int UserLength;
        public string? EngineId;
        public byte UsmReports;
        public int EncryptedPdus;

        public void Reset()
        {
            Versions = 0;
            PduTypes = 0;
            GetRequests = BulkRequests = SetRequests = Responses = Notifications = Reports = 0;
            VarBinds = 0;
            ErrorStatuses = 0;
            Unanswered = 0;
            OutstandingCount = 0;
            CommunityFingerprints.Clear();
            CommunityLengths.Clear();
            SecurityModel = -1;
            SecurityLevels = 0;
            UserFingerprint = null;
            UserLength = 0;
            EngineId = null;
            UsmReports = 0;
            EncryptedPdus = 0;
        }
    }
}
