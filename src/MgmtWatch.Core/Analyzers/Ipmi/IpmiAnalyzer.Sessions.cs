using System.Buffers.Binary;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>The session state machine: IPMI v1.5 and RMCP+ set-up, and messages inside sessions.</summary>
public sealed partial class IpmiAnalyzer
{
    // Steps named in ipmi.failure_codes.
    private const int FailOpen = 1;
    private const int FailRakp2 = 2;
    private const int FailRakp3 = 3;
    private const int FailRakp4 = 4;
    private const int FailChallenge = 5;
    private const int FailActivate = 6;

    // Per-flow "already alerted" bits: an alert is built once per flow and rule, not once per packet.
    private const int FlagStraightPassword = 1;
    private const int FlagAuthNone = 2;
    private const int FlagCipherZeroOffered = 4;
    private const int FlagCipherZeroAccepted = 8;
    private const int FlagAsfPowerControl = 16;

    private enum IdKind
    {
        Console,
        Bmc,
        Either,
    }

    private IpmiSession NewSession(IpmiFlowState state, bool consoleIsOriginator, bool v15, AnalyzerContext context)
    {
        var slot = state.SessionsStarted % IpmiFlowState.MaxSessions;
        var s = state.Sessions[slot] ??= new IpmiSession();
        if (s.State != SessionState.None && s.Exchange == HarvestExchange.Pending)
        {
            Harvested(state, s, context); // the ring wraps: a looping tool moved on without RAKP3
        }

        s.Reset();
        s.Serial = ++_serial;
        s.V15 = v15;
        s.ConsoleIsOriginator = consoleIsOriginator;
        state.SessionsStarted++;
        state.SessionActivity = true;
        return s;
    }

    /// <summary>The newest session whose id of <paramref name="kind"/> is <paramref name="id"/> and whose state is in [min, max].</summary>
    private static IpmiSession? FindSession(IpmiFlowState state, uint id, IdKind kind, SessionState min, SessionState max)
    {
        var oldest = Math.Max(0, state.SessionsStarted - IpmiFlowState.MaxSessions);
        for (var i = state.SessionsStarted - 1; i >= oldest; i--)
        {
            var s = state.Sessions[i % IpmiFlowState.MaxSessions];
            if (s is null || s.State < min || s.State > max)
            {
                continue;
            }

            var match = kind switch
            {
                IdKind.Console => s.HasConsoleId && s.ConsoleId == id,
                IdKind.Bmc => s.HasBmcId && s.BmcId == id,
                _ => (s.HasConsoleId && s.ConsoleId == id) || (s.HasBmcId && s.BmcId == id),
            };
            if (match)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>The newest session in state [min, max] (for messages that carry no usable id).</summary>
    private static IpmiSession? NewestIn(IpmiFlowState state, SessionState min, SessionState max, bool v15)
    {
        var oldest = Math.Max(0, state.SessionsStarted - IpmiFlowState.MaxSessions);
        for (var i = state.SessionsStarted - 1; i >= oldest; i--)
        {
            var s = state.Sessions[i % IpmiFlowState.MaxSessions];
            if (s is not null && s.V15 == v15 && s.State >= min && s.State <= max)
            {
                return s;
            }
        }

        return null;
    }

    private static void SetUser(IpmiFlowState state, IpmiSession s, ReadOnlySpan<byte> name, AnalyzerContext context)
    {
        var hash = UserHash(name);
        if (s.HasUser && s.UserHash == hash)
        {
            return; // a retransmission: the fingerprint is already computed
        }

        s.HasUser = true;
        s.UserHash = hash;
        s.UserLength = name.Length;
        s.UserFingerprint = context.Fingerprints.Fingerprint(name);
        state.UserFingerprint = s.UserFingerprint;
        state.UserLength = name.Length;
        state.AddUser(hash);
    }

    /// <summary>
    /// FNV-1a 64 of the user name and its length: enough to count distinct names in memory. It never leaves
    /// the process (the keyed fingerprint is what is written).
    /// </summary>
    private static ulong UserHash(ReadOnlySpan<byte> name)
    {
        var h = 0xCBF2_9CE4_8422_2325UL;
        foreach (var b in name)
        {
            h = (h ^ b) * 0x0000_0100_0000_01B3UL;
        }

        return (h ^ (ulong)name.Length) * 0x0000_0100_0000_01B3UL;
    }

    // ---- IPMI v1.5 (IPMI v2.0 §22.13–22.19, ipmi-wire.md §3–4) ----

    private void HandleV15Message(IpmiFlowState state, scoped in AnalyzerPacket packet, byte authType, uint sessionId,
        scoped in IpmiLanMessage m, AnalyzerContext context)
    {
        var fromConsole = !m.IsResponse;
        if (authType == Rmcp.AuthPassword && (state.AlertFlags & FlagStraightPassword) == 0)
        {
            state.AlertFlags |= FlagStraightPassword;
            AlertConsole(context, Signatures.IpmiV15StraightPassword, packet, fromConsole,
                $"{ConsoleOf(packet, fromConsole)} and {BmcOf(packet, fromConsole)} use IPMI 1.5 straight-password authentication: the password is in clear in the session header of every authenticated packet",
                UserEvidence(state, "password"));
        }

        if (m.NetFn == Rmcp.NetFnApp)
        {
            switch (m.Command)
            {
                case Rmcp.CmdGetSessionChallenge:
                    HandleChallenge(state, packet, m, context);
                    return;
                case Rmcp.CmdActivateSession:
                    HandleActivate(state, packet, sessionId, m, context);
                    return;
                default:
                    break;
            }
        }

        if (sessionId == 0)
        {
            HandleOutOfSession(state, packet, m, context);
            return;
        }

        var s = CountSessionMessage(state, sessionId, encrypted: false);
        if (authType == Rmcp.AuthNone)
        {
            AlertAuthNone(state, packet, fromConsole, context);
        }

        HandleCleartext(state, s, packet, m, "1.5", context);
    }

    private void HandleChallenge(IpmiFlowState state, scoped in AnalyzerPacket packet, scoped in IpmiLanMessage m, AnalyzerContext context)
    {
        if (!m.IsResponse)
        {
            // Request data: auth type (1) | user name (16, NUL padded, in clear) (§22.16).
            if (m.Data.Length < 1 + 16)
            {
                return;
            }

            var raw = m.Data.Slice(1, 16);
            var nul = raw.IndexOf((byte)0);
            var name = nul < 0 ? raw : raw[..nul];
            var s = NewestIn(state, SessionState.ChallengeRequested, SessionState.ChallengeRequested, v15: true);
            if (s is null || !s.HasUser || s.UserHash != UserHash(name))
            {
                s = NewSession(state, packet.FromOriginator, v15: true, context);
            }

            s.State = SessionState.ChallengeRequested;
            s.V15AuthType = (byte)(m.Data[0] & 0x0F);
            SetUser(state, s, name, context);
            return;
        }

        var pending = NewestIn(state, SessionState.ChallengeRequested, SessionState.ChallengeRequested, v15: true);
        if (pending is null)
        {
            return;
        }

        if (m.CompletionCode != 0)
        {
            pending.State = SessionState.Failed;
            state.AddFailure(FailChallenge, m.CompletionCode);
            return;
        }

        if (m.Data.Length >= 4)
        {
            pending.BmcId = BinaryPrimitives.ReadUInt32LittleEndian(m.Data); // temporary session id
            pending.HasBmcId = true;
            pending.State = SessionState.ChallengeReceived;
        }
    }

    private void HandleActivate(IpmiFlowState state, scoped in AnalyzerPacket packet, uint sessionId, scoped in IpmiLanMessage m, AnalyzerContext context)
    {
        if (!m.IsResponse)
        {
            // Request data: session auth type | max privilege | challenge (16) | initial outbound sequence (4) (§22.17).
            if (m.Data.Length < 2)
            {
                return;
            }

            var s = FindSession(state, sessionId, IdKind.Bmc, SessionState.ChallengeReceived, SessionState.ActivationRequested);
            if (s is null || !s.V15)
            {
                s = NewSession(state, packet.FromOriginator, v15: true, context);
                s.BmcId = sessionId;
                s.HasBmcId = true;
            }

            s.V15AuthType = (byte)(m.Data[0] & 0x0F);
            s.Role = (byte)(m.Data[1] & 0x0F);
            s.State = SessionState.ActivationRequested;
            state.LastRole = s.Role;
            state.HasRole = true;
            state.V15AuthType = s.V15AuthType;
            state.SessionActivity = true;
            return;
        }

        var pending = NewestIn(state, SessionState.ActivationRequested, SessionState.ActivationRequested, v15: true);
        if (pending is null)
        {
            return; // a retransmitted response, or its request was not captured
        }

        if (m.CompletionCode != 0)
        {
            pending.State = SessionState.Failed;
            state.AddFailure(FailActivate, m.CompletionCode);
            return;
        }

        if (m.Data.Length < 5)
        {
            return;
        }

        // Response data: auth type for the rest of the session | session id (4) | initial inbound sequence (4) | max privilege.
        pending.V15AuthType = (byte)(m.Data[0] & 0x0F);
        pending.BmcId = BinaryPrimitives.ReadUInt32LittleEndian(m.Data[1..]);
        pending.State = SessionState.Established;
        state.V15AuthType = pending.V15AuthType;
        state.SessionsCompleted++;
        if (pending.V15AuthType == Rmcp.AuthNone)
        {
            AlertAuthNone(state, packet, fromConsole: false, context);
        }

        if (pending.HasUser && pending.UserLength == 0)
        {
            AlertConsole(context, Signatures.IpmiNullUserLogin, packet, packetFromConsole: false,
                $"{packet.Source} accepted an IPMI 1.5 session for the null (empty) user name from {packet.Destination}",
                UserEvidence(state, IpmiNames.AuthType(pending.V15AuthType)));
        }
    }

    private static void AlertAuthNone(IpmiFlowState state, scoped in AnalyzerPacket packet, bool fromConsole, AnalyzerContext context)
    {
        if ((state.AlertFlags & FlagAuthNone) != 0)
        {
            return;
        }

        state.AlertFlags |= FlagAuthNone;
        AlertConsole(context, Signatures.IpmiV15AuthNone, packet, fromConsole,
            $"{ConsoleOf(packet, fromConsole)} has an IPMI 1.5 session with {BmcOf(packet, fromConsole)} that uses authentication type none: its commands carry no credential",
            UserEvidence(state, "none"));
    }

    /// <summary>Messages outside a session: capability probes and the cipher suite listing.</summary>
    private void HandleOutOfSession(IpmiFlowState state, scoped in AnalyzerPacket packet, scoped in IpmiLanMessage m, AnalyzerContext context)
    {
        if (m.NetFn != Rmcp.NetFnApp)
        {
            return;
        }

        if (m.Command == Rmcp.CmdGetChannelAuthCapabilities)
        {
            if (!m.IsResponse)
            {
                NoteProbe(state, packet, packet.FromOriginator, context);
            }
            else if (m.CompletionCode == 0 && m.Data.Length >= 3)
            {
                HandleCapabilities(state, packet, m.Data, context);
            }
        }
        else if (m.Command == Rmcp.CmdGetChannelCipherSuites)
        {
            if (!m.IsResponse)
            {
                if (m.Data.Length >= 3)
                {
                    state.RequestedSuitePage = m.Data[2] & 0x3F; // list index, bits 5:0 (§22.15)
                }
            }
            else if (m.CompletionCode == 0 && m.Data.Length >= 1)
            {
                HandleCipherSuites(state, packet, m.Data[1..], context);
            }
        }
    }

    /// <summary>Get Channel Authentication Capabilities response (§22.13; ipmi-wire.md §4).</summary>
    private void HandleCapabilities(IpmiFlowState state, scoped in AnalyzerPacket packet, ReadOnlySpan<byte> data, AnalyzerContext context)
    {
        // data: channel | auth type support | login status | extended capabilities | OEM IANA (3) | OEM aux
        state.CapsSeen = true;
        state.CapsAuthTypes = data[1];
        state.CapsLogin = data[2];
        state.CapsExtended = data.Length > 3 ? data[3] : (byte)0;
        NoteProbeAnswer(state, packet, context);
        if ((state.CapsLogin & 0x03) != 0 && _postureReports.TryReport((Signatures.IpmiAnonymousLoginEnabled.Id, packet.Source), packet.Timestamp, ReportLimiter.PostureInterval))
        {
            var anonymous = (state.CapsLogin & 0x01) != 0;
            var nullUser = (state.CapsLogin & 0x02) != 0;
            var what = anonymous && nullUser ? "anonymous login and null user names" : anonymous ? "anonymous login" : "null user names";
            context.Alert(Signatures.IpmiAnonymousLoginEnabled, packet,
                $"BMC {packet.Source} reports {what} enabled in its Get Channel Authentication Capabilities response",
                [
                    new("ipmi.anonymous_login", anonymous ? "true" : "false"),
                    new("ipmi.null_user_enabled", nullUser ? "true" : "false"),
                    new("ipmi.caps_auth_types", AuthTypeList(state.CapsAuthTypes)),
                ],
                incidentKey: null, fromResponder: !packet.FromOriginator);
        }
    }

    /// <summary>Get Channel Cipher Suites response records, collected page by page (§22.15).</summary>
    private void HandleCipherSuites(IpmiFlowState state, scoped in AnalyzerPacket packet, ReadOnlySpan<byte> records, AnalyzerContext context)
    {
        var page = Math.Max(0, state.RequestedSuitePage);
        if (page == 0)
        {
            state.SuiteListLength = 0;
            state.NextSuitePage = 0;
        }

        if (page != state.NextSuitePage)
        {
            return; // a retransmitted page, or one whose predecessor was lost
        }

        state.NextSuitePage++;
        state.SuiteList ??= new byte[IpmiFlowState.MaxSuiteListBytes];
        var n = Math.Min(records.Length, state.SuiteList.Length - state.SuiteListLength);
        records[..n].CopyTo(state.SuiteList.AsSpan(state.SuiteListLength));
        state.SuiteListLength += n;
        ulong suites = 0;
        var authNone = false;
        CipherSuites.ReadRecords(state.SuiteList.AsSpan(0, state.SuiteListLength), ref suites, ref authNone);
        state.SuitesListed = true;
        state.AdvertisedSuites = suites;
        state.AdvertisedAuthNone = authNone;
        if (((suites & 1) != 0 || authNone) &&
            _postureReports.TryReport((Signatures.IpmiCipherZeroAdvertised.Id, packet.Source), packet.Timestamp, ReportLimiter.PostureInterval))
        {
            context.Alert(Signatures.IpmiCipherZeroAdvertised, packet,
                $"BMC {packet.Source} lists cipher suite 0 (RAKP-none) in its Get Channel Cipher Suites response: logins without a password check are enabled",
                [new("ipmi.cipher_suites_offered", SuiteList(suites))],
                incidentKey: null, fromResponder: !packet.FromOriginator);
        }
    }

    /// <summary>A message inside a session (any payload): counts it against its session.</summary>
    private static IpmiSession? CountSessionMessage(IpmiFlowState state, uint sessionId, bool encrypted)
    {
        state.SessionActivity = true;
        state.SessionMessages++;
        if (encrypted)
        {
            state.EncryptedMessages++;
        }

        var s = FindSession(state, sessionId, IdKind.Either, SessionState.ChallengeReceived, SessionState.Failed);
        if (s is not null)
        {
            s.Messages++;
        }

        return s;
    }

    /// <summary>An IPMI message readable inside a session: named, counted, and alerted when privileged.</summary>
    private static void HandleCleartext(IpmiFlowState state, IpmiSession? s, scoped in AnalyzerPacket packet, scoped in IpmiLanMessage m,
        string version, AnalyzerContext context)
    {
        if (m.IsResponse)
        {
            if (m.NetFn == Rmcp.NetFnApp && m.CompletionCode == 0)
            {
                if (m.Command == Rmcp.CmdCloseSession && s is { State: SessionState.Established })
                {
                    s.State = SessionState.Closed;
                    state.SessionsClosed++;
                }
                else if (m.Command == Rmcp.CmdSetSessionPrivilege && m.Data.Length >= 1)
                {
                    // Response data: the new privilege level, bits 3:0 (§22.18).
                    state.LastRole = (byte)(m.Data[0] & 0x0F);
                    state.HasRole = true;
                }
            }

            return;
        }

        state.CleartextCommands++;
        if (!state.AddCommand(m.NetFn, m.Command) || !IpmiCommands.IsPrivileged(m.NetFn, m.Command))
        {
            return;
        }

        var name = IpmiCommands.NameOrNumber(m.NetFn, m.Command);
        AlertConsole(context, Signatures.IpmiSensitiveCommandInClear, packet, packetFromConsole: true,
            $"{packet.Source} sent the privileged IPMI command {name} to {packet.Destination} unencrypted inside an IPMI {version} session: its data is readable on the wire",
            [new("ipmi.command", name), new("ipmi.version", version)],
            incidentKey: name);
    }

    // ---- RMCP+ (IPMI v2.0 §13.15–13.24) ----

    private void HandleV20Message(IpmiFlowState state, scoped in AnalyzerPacket packet, uint sessionId, bool encrypted,
        ReadOnlySpan<byte> payload, AnalyzerContext context)
    {
        IpmiSession? s = null;
        if (sessionId != 0)
        {
            s = CountSessionMessage(state, sessionId, encrypted);
        }

        if (encrypted)
        {
            return; // opaque: AES-CBC-128 or xRC4 under the session key
        }

        if (!IpmiLanMessage.TryParse(payload, out var m))
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiMessageTruncated, packet);
            return;
        }

        if (!m.ChecksumsValid)
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiBadChecksum, packet);
        }

        if (sessionId == 0)
        {
            HandleOutOfSession(state, packet, m, context);
        }
        else
        {
            HandleCleartext(state, s, packet, m, "2.0", context);
        }
    }

    private void HandleSetup(IpmiFlowState state, scoped in AnalyzerPacket packet, byte type, ReadOnlySpan<byte> payload, AnalyzerContext context)
    {
        switch (type)
        {
            case Rmcp.PayloadOpenSessionRequest:
                if (OpenSessionRequest.TryParse(payload, out var request))
                {
                    HandleOpenSessionRequest(state, packet, request, context);
                    return;
                }

                break;
            case Rmcp.PayloadOpenSessionResponse:
                if (OpenSessionResponse.TryParse(payload, out var response))
                {
                    HandleOpenSessionResponse(state, packet, response, context);
                    return;
                }

                break;
            case Rmcp.PayloadRakp1:
                if (Rakp1Message.TryParse(payload, out var rakp1))
                {
                    HandleRakp1(state, packet, rakp1, context);
                    return;
                }

                break;
            case Rmcp.PayloadRakp2:
                if (Rakp2Message.TryParse(payload, out var rakp2))
                {
                    HandleRakp2(state, packet, rakp2, context);
                    return;
                }

                break;
            case Rmcp.PayloadRakp3:
                if (Rakp34Message.TryParse(payload, out var rakp3))
                {
                    HandleRakp3(state, rakp3, context);
                    return;
                }

                break;
            default:
                if (Rakp34Message.TryParse(payload, out var rakp4))
                {
                    HandleRakp4(state, packet, rakp4, context);
                    return;
                }

                break;
        }

        context.Anomaly(Name, IpmiAnomalies.RmcppMessageTruncated, packet);
    }

    private void HandleOpenSessionRequest(IpmiFlowState state, scoped in AnalyzerPacket packet, in OpenSessionRequest request, AnalyzerContext context)
    {
        state.SessionActivity = true;
        if (!request.RecordsValid)
        {
            context.Anomaly(Name, IpmiAnomalies.RmcppBadAlgorithmRecord, packet);
        }

        // A retry before RAKP1 (ipmitool resends on timeout with the same console id) is the same session.
        var s = FindSession(state, request.ConsoleSessionId, IdKind.Console, SessionState.OpenSessionRequested, SessionState.OpenSessionAccepted);
        if (s is null)
        {
            s = NewSession(state, packet.FromOriginator, v15: false, context);
            s.ConsoleId = request.ConsoleSessionId;
            s.HasConsoleId = true;
            s.State = SessionState.OpenSessionRequested;
        }

        s.Proposed = request.Algorithms;
        if (request.Algorithms.AuthenticationNoneProposed && (state.AlertFlags & FlagCipherZeroOffered) == 0)
        {
            state.AlertFlags |= FlagCipherZeroOffered;
            AlertConsole(context, Signatures.IpmiCipherZeroOffered, packet, packetFromConsole: true,
                $"{packet.Source} proposed cipher suite 0 (authentication RAKP-none) to {packet.Destination} in an RMCP+ Open Session Request: no password would be checked",
                AlgorithmEvidence(request.Algorithms, "ipmi.requested_privilege", IpmiNames.Privilege(request.RequestedPrivilege)));
        }
    }

    private void HandleOpenSessionResponse(IpmiFlowState state, scoped in AnalyzerPacket packet, in OpenSessionResponse response, AnalyzerContext context)
    {
        var s = response.HasConsoleSessionId
            ? FindSession(state, response.ConsoleSessionId, IdKind.Console, SessionState.OpenSessionRequested, SessionState.OpenSessionAccepted)
            : NewestIn(state, SessionState.OpenSessionRequested, SessionState.OpenSessionRequested, v15: false);
        if (s is null)
        {
            context.Anomaly(Name, IpmiAnomalies.RmcppUnsolicitedResponse, packet);
            if (response.Status != Rmcp.StatusOk || !response.HasConsoleSessionId)
            {
                return;
            }

            // Follow it anyway (the capture may have started after the request).
            s = NewSession(state, !packet.FromOriginator, v15: false, context);
            s.ConsoleId = response.ConsoleSessionId;
            s.HasConsoleId = true;
        }

        if (response.Status != Rmcp.StatusOk)
        {
            s.State = SessionState.Failed;
            state.AddFailure(FailOpen, response.Status);
            return;
        }

        if (!response.Complete)
        {
            context.Anomaly(Name, response.Algorithms.Present == 0 ? IpmiAnomalies.RmcppMessageTruncated : IpmiAnomalies.RmcppBadAlgorithmRecord, packet);
        }

        s.BmcId = response.BmcSessionId;
        s.HasBmcId = true;
        s.State = SessionState.OpenSessionAccepted;
        s.Chosen = response.Algorithms;
        s.Negotiated = true;
        state.Negotiated = response.Algorithms;
        state.HasNegotiated = true;
        var a = response.Algorithms;
        if ((a.Present & 1) != 0 && (a.Wildcards & 1) == 0 && a.Authentication == 0 && (state.AlertFlags & FlagCipherZeroAccepted) == 0)
        {
            state.AlertFlags |= FlagCipherZeroAccepted;
            AlertConsole(context, Signatures.IpmiCipherZeroAccepted, packet, packetFromConsole: false,
                $"BMC {packet.Source} accepted an RMCP+ session with authentication RAKP-none (cipher suite 0) from {packet.Destination}: any password is accepted",
                AlgorithmEvidence(a, "ipmi.granted_privilege", IpmiNames.Privilege(response.MaxPrivilege)));
        }
    }

    private void HandleRakp1(IpmiFlowState state, scoped in AnalyzerPacket packet, scoped in Rakp1Message rakp1, AnalyzerContext context)
    {
        state.SessionActivity = true;
        if (rakp1.DeclaredUserNameLength > Rakp1Message.MaxUserNameLength)
        {
            context.Anomaly(Name, IpmiAnomalies.RakpUsernameTooLong, packet);
        }

        if (!rakp1.UserNameComplete)
        {
            context.Anomaly(Name, IpmiAnomalies.RakpUsernameExceedsPayload, packet);
        }

        var s = FindSession(state, rakp1.BmcSessionId, IdKind.Bmc, SessionState.OpenSessionAccepted, SessionState.Rakp2Received);
        if (s is not null && s.State >= SessionState.Rakp1Sent && s.HasUser && s.UserHash == UserHash(rakp1.UserName))
        {
            return; // retransmission of the same RAKP1
        }

        if (s is null || s.State >= SessionState.Rakp1Sent)
        {
            // No Open Session seen for this id (capture started late), or a new name on the same BMC id.
            s = NewSession(state, packet.FromOriginator, v15: false, context);
            s.BmcId = rakp1.BmcSessionId;
            s.HasBmcId = true;
        }

        s.Role = rakp1.Role;
        s.State = SessionState.Rakp1Sent;
        state.LastRole = rakp1.Role;
        state.HasRole = true;
        SetUser(state, s, rakp1.UserName, context);
    }

    private void HandleRakp2(IpmiFlowState state, scoped in AnalyzerPacket packet, in Rakp2Message rakp2, AnalyzerContext context)
    {
        var s = rakp2.HasConsoleSessionId
            ? FindSession(state, rakp2.ConsoleSessionId, IdKind.Console, SessionState.Rakp1Sent, SessionState.Rakp1Sent)
            : NewestIn(state, SessionState.Rakp1Sent, SessionState.Rakp1Sent, v15: false);
        if (s is null && NewestIn(state, SessionState.Rakp1Sent, SessionState.Rakp1Sent, v15: false) is { HasConsoleId: false } late)
        {
            s = late; // followed from RAKP1 on (no Open Session seen): the console id is learnt here
            s.ConsoleId = rakp2.ConsoleSessionId;
            s.HasConsoleId = rakp2.HasConsoleSessionId;
        }

        if (s is null)
        {
            if (FindSession(state, rakp2.ConsoleSessionId, IdKind.Console, SessionState.Rakp2Received, SessionState.Failed) is null)
            {
                context.Anomaly(Name, IpmiAnomalies.RmcppUnsolicitedResponse, packet);
            }

            return; // otherwise a retransmitted RAKP2 of an exchange already counted
        }

        if (!rakp2.Complete)
        {
            context.Anomaly(Name, IpmiAnomalies.RmcppMessageTruncated, packet);
            return;
        }

        if (rakp2.Status != Rmcp.StatusOk)
        {
            s.State = SessionState.Failed;
            state.AddFailure(FailRakp2, rakp2.Status);
            if (rakp2.Status == Rmcp.StatusUnauthorizedName)
            {
                CountUnknownUser(s, packet, context);
            }

            return;
        }

        s.State = SessionState.Rakp2Received;
        s.Rakp2AuthCodeLength = rakp2.AuthCodeLength;
        state.Rakp2AuthCodeLength = rakp2.AuthCodeLength;
        state.BmcGuid = rakp2.Guid;
        state.HasBmcGuid = true;
        if (rakp2.AuthCodeLength > 0 && !rakp2.AuthCodeAllZero)
        {
            // The HMAC of the password is now on the wire; a valid RAKP3 must follow (ipmi-wire.md §7).
            s.Exchange = HarvestExchange.Pending;
            s.Rakp2Time = packet.Timestamp;
            s.Rakp2Packet = packet.PacketNumber;
            Defer(_harvestQueue, new Deferred(packet.Timestamp + context.Settings.Nanoseconds(HarvestRakp3Deadline),
                state.Flow, state.Serial, s.Serial), context);
        }
    }

    private void HandleRakp3(IpmiFlowState state, in Rakp34Message rakp3, AnalyzerContext context)
    {
        state.SessionActivity = true;
        var s = rakp3.HasSessionId
            ? FindSession(state, rakp3.SessionId, IdKind.Bmc, SessionState.Rakp1Sent, SessionState.Rakp3Sent)
            : NewestIn(state, SessionState.Rakp1Sent, SessionState.Rakp3Sent, v15: false);
        if (s is null || s.State == SessionState.Rakp3Sent)
        {
            return; // unknown exchange or a retransmission
        }

        if (rakp3.Status != Rmcp.StatusOk)
        {
            // The console gives up after reading RAKP2: the releasing RAKP3 of a hash dumper (ipmi-wire.md §7).
            if (s.Exchange == HarvestExchange.Pending)
            {
                Harvested(state, s, context);
            }

            s.State = SessionState.Failed;
            state.AddFailure(FailRakp3, rakp3.Status);
            return;
        }

        if (s.Exchange == HarvestExchange.Pending)
        {
            s.Exchange = HarvestExchange.Answered;
        }

        s.State = SessionState.Rakp3Sent;
    }

    private void HandleRakp4(IpmiFlowState state, scoped in AnalyzerPacket packet, in Rakp34Message rakp4, AnalyzerContext context)
    {
        var s = rakp4.HasSessionId
            ? FindSession(state, rakp4.SessionId, IdKind.Console, SessionState.Rakp2Received, SessionState.Rakp3Sent)
            : NewestIn(state, SessionState.Rakp2Received, SessionState.Rakp3Sent, v15: false);
        if (s is null)
        {
            if (!rakp4.HasSessionId || FindSession(state, rakp4.SessionId, IdKind.Console, SessionState.Established, SessionState.Failed) is null)
            {
                context.Anomaly(Name, IpmiAnomalies.RmcppUnsolicitedResponse, packet);
            }

            return;
        }

        if (rakp4.Status != Rmcp.StatusOk)
        {
            s.State = SessionState.Failed;
            state.AddFailure(FailRakp4, rakp4.Status);
            if (rakp4.Status is Rmcp.StatusInvalidIntegrityCheck or Rmcp.StatusUnauthorizedName)
            {
                CountGuess(s, packet, context);
            }

            return;
        }

        s.State = SessionState.Established;
        state.SessionsCompleted++;
        if (s.HasUser && s.UserLength == 0)
        {
            AlertConsole(context, Signatures.IpmiNullUserLogin, packet, packetFromConsole: false,
                $"BMC {packet.Source} completed an RMCP+ login (RAKP4 status 0) for the null (empty) user name from {packet.Destination}",
                s.Negotiated ? AlgorithmEvidence(s.Chosen, "ipmi.privilege", IpmiNames.Privilege((byte)(s.Role & 0x0F))) : null);
        }
    }
}
