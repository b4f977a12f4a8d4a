using System.Buffers.Binary;
using System.Globalization;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// RMCP on UDP 623 (DMTF DSP0136): ASF presence ping/pong and remote power control, IPMI v1.5 sessions and
/// IPMI v2.0 RMCP+ sessions (IPMI v2.0 §13). Follows each session set-up (Open Session, RAKP 1–4, or Get
/// Session Challenge / Activate Session) per flow and per session id, names what travels in clear, and
/// raises the IPMI rules: cipher suite 0, RAKP password-hash harvesting (CVE-2013-4786), user enumeration,
/// online guessing, IPMI 1.5 without authentication or with the password in clear, anonymous login,
/// discovery sweeps, ASF power control. User names are fingerprinted; passwords, auth codes and command
/// data are never written. Protocol violations are <see cref="IpmiAnomalies"/>.
/// </summary>
public sealed partial class IpmiAnalyzer : IProtocolAnalyzer
{
    private readonly FlowStates<IpmiFlowState> _states = new();
    private long _serial;

    /// <inheritdoc/>
    public string Name => "ipmi";

    /// <inheritdoc/>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Udp, Rmcp.Port)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        // Strict, as a wrong guess mislabels a flow: RMCP version 6, reserved 0, a known class with its
        // reserved bits clear, and a body that parses (DSP0136 §3.2.2; ipmi-wire.md §0).
        if (packet.Protocol != IpProtocol.Udp)
        {
            return false;
        }

        var p = packet.Payload;
        var wire = packet.PayloadLength;
        if (p.Length < Rmcp.HeaderLength || p[0] != Rmcp.Version || p[1] != 0 || (p[3] & Rmcp.ReservedClassBits) != 0)
        {
            return false;
        }

        var cls = p[3] & Rmcp.ClassMask;
        if ((p[3] & Rmcp.AckBit) != 0)
        {
            return wire == Rmcp.HeaderLength && cls is Rmcp.ClassAsf or Rmcp.ClassIpmi;
        }

        if (cls == Rmcp.ClassAsf)
        {
            if (p.Length < Rmcp.AsfHeaderLength)
            {
                return false;
            }

            var iana = BinaryPrimitives.ReadUInt32BigEndian(p[4..]);
            return iana is Rmcp.AsfIana or Rmcp.AsfIanaSwapped && IsAsfType(p[8]) && Rmcp.AsfHeaderLength + p[11] <= wire;
        }

        if (cls != Rmcp.ClassIpmi || p[2] != Rmcp.NoAckSequence || p.Length < Rmcp.V15HeaderLength)
        {
            return false;
        }

        var authType = p[4];
        if ((authType & 0x0F) == Rmcp.AuthRmcpPlus)
        {
            if (p.Length < Rmcp.V20HeaderLength)
            {
                return false;
            }

            var type = (byte)(p[5] & Rmcp.PayloadTypeMask);
            var offset = type == Rmcp.PayloadOemExplicit ? 6 + Rmcp.OemPayloadExtra : 6;
            return IsDefinedPayloadType(type) && p.Length >= offset + 10 &&
                   offset + 10 + BinaryPrimitives.ReadUInt16LittleEndian(p[(offset + 8)..]) <= wire;
        }

        if (authType is not (Rmcp.AuthNone or Rmcp.AuthMd2 or Rmcp.AuthMd5 or Rmcp.AuthPassword or Rmcp.AuthOem))
        {
            return false;
        }

        var header = authType == Rmcp.AuthNone ? Rmcp.V15HeaderLength : Rmcp.V15HeaderLength + Rmcp.V15AuthCodeLength;
        return p.Length >= header && p[header - 1] >= Rmcp.LanMessageMinimum && header + p[header - 1] <= wire;
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SettleDue(packet.Timestamp, context);
        var p = packet.Payload;
        var wire = packet.PayloadLength;
        if (p.Length < Rmcp.HeaderLength)
        {
            if (wire < Rmcp.HeaderLength)
            {
                context.Anomaly(Name, IpmiAnomalies.RmcpTruncated, packet);
            }

            return;
        }

        if (p[0] != Rmcp.Version)
        {
            context.Anomaly(Name, IpmiAnomalies.RmcpBadVersion, packet);
            return;
        }

        var cls = (byte)(p[3] & Rmcp.ClassMask);
        if (cls is not (Rmcp.ClassAsf or Rmcp.ClassIpmi or Rmcp.ClassOem))
        {
            context.Anomaly(Name, IpmiAnomalies.RmcpUnknownClass, packet);
            return;
        }

        if (p[1] != 0 || (p[3] & Rmcp.ReservedClassBits) != 0)
        {
            context.Anomaly(Name, IpmiAnomalies.RmcpReservedNonZero, packet);
        }

        var state = StateOf(packet);
        context.Confirm(packet);
        if ((p[3] & Rmcp.AckBit) != 0)
        {
            state.RmcpAcks++;
            if (wire != Rmcp.HeaderLength)
            {
                context.Anomaly(Name, IpmiAnomalies.RmcpBadAck, packet);
            }

            return;
        }

        switch (cls)
        {
            case Rmcp.ClassAsf:
                InspectAsf(state, packet, context);
                break;
            case Rmcp.ClassIpmi:
                InspectIpmi(state, packet, context);
                break;
            default:
                state.OemMessages++; // class 8: vendor defined, nothing standard to parse
                break;
        }
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Find(flow);
        if (state is null)
        {
            return;
        }

        if (final)
        {
            // No RAKP3 or session can follow any more: take this flow's pending decisions now.
            SettleFlow(state, context);
        }

        WriteFields(state, fields);
        if (final)
        {
            _states.Release(flow);
        }
    }

    private IpmiFlowState StateOf(scoped in AnalyzerPacket packet)
    {
        var state = _states.Get(packet.Flow);
        if (state.Serial == 0)
        {
            state.Serial = ++_serial;
            state.Flow = packet.Flow;
            state.Originator = packet.Originator;
            state.Responder = packet.Responder;
            state.OriginatorPort = packet.OriginatorPort;
            state.ResponderPort = packet.ResponderPort;
            state.Protocol = packet.Protocol;
            state.IpVersion = packet.IpVersion;
        }

        return state;
    }

    /// <summary>
    /// Checks that the sender's length claims fit the datagram. Returns true when <paramref name="needed"/>
    /// bytes are captured; when they are on the wire but not captured (snap length) the packet is skipped
    /// quietly, and when the datagram itself is shorter <paramref name="anomaly"/> is reported.
    /// </summary>
    private bool Have(scoped in AnalyzerPacket packet, int needed, string anomaly, AnalyzerContext context)
    {
        if (packet.Payload.Length >= needed)
        {
            return true;
        }

        if (packet.PayloadLength < needed)
        {
            context.Anomaly(Name, anomaly, packet);
        }

        return false;
    }

    // ---- ASF (DSP0136 §3.2.4) ----

    private static bool IsAsfType(byte type) => type is
        (>= Rmcp.AsfReset and <= Rmcp.AsfPowerCycle) or Rmcp.AsfPresencePing or Rmcp.AsfPresencePong or
        0x81 or 0x41 or 0x82 or 0x42 or 0x83 or 0x43 or 0x84 or 0x44 or (>= 0xC0 and <= 0xC2);

    private void InspectAsf(IpmiFlowState state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        if (!Have(packet, Rmcp.AsfHeaderLength, IpmiAnomalies.AsfTruncated, context))
        {
            return;
        }

        var p = packet.Payload;
        var iana = BinaryPrimitives.ReadUInt32BigEndian(p[4..]);
        if (iana is not (Rmcp.AsfIana or Rmcp.AsfIanaSwapped))
        {
            context.Anomaly(Name, IpmiAnomalies.AsfBadIana, packet);
            return;
        }

        if (Rmcp.AsfHeaderLength + p[11] > packet.PayloadLength)
        {
            context.Anomaly(Name, IpmiAnomalies.AsfLengthExceedsDatagram, packet);
        }

        var type = p[8];
        switch (type)
        {
            case Rmcp.AsfPresencePing:
                state.AsfPings++;
                NoteProbe(state, packet, byOriginator: packet.FromOriginator, context);
                break;
            case Rmcp.AsfPresencePong:
                state.AsfPongs++;
                NoteProbeAnswer(state, packet, context);
                break;
            case >= Rmcp.AsfReset and <= Rmcp.AsfPowerCycle:
                state.AsfPowerControls++;
                if ((state.AlertFlags & FlagAsfPowerControl) == 0)
                {
                    state.AlertFlags |= FlagAsfPowerControl;
                    AlertAsfPowerControl(packet, type, context);
                }

                break;
            default:
                if (!IsAsfType(type))
                {
                    context.Anomaly(Name, IpmiAnomalies.AsfUnknownMessageType, packet);
                }

                break;
        }
    }

    // ---- IPMI session wrappers ----

    private static bool IsDefinedPayloadType(byte type) => type is
        Rmcp.PayloadIpmi or Rmcp.PayloadSol or Rmcp.PayloadOemExplicit or
        (>= Rmcp.PayloadOpenSessionRequest and <= Rmcp.PayloadRakp4) or (>= Rmcp.PayloadOem0 and <= Rmcp.PayloadOem7);

    private void InspectIpmi(IpmiFlowState state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        if (!Have(packet, Rmcp.HeaderLength + 1, IpmiAnomalies.IpmiTruncatedHeader, context))
        {
            return;
        }

        var p = packet.Payload;
        if (p[2] != Rmcp.NoAckSequence)
        {
            context.Anomaly(Name, IpmiAnomalies.RmcpIpmiAckRequested, packet);
        }

        if ((p[4] & 0x0F) == Rmcp.AuthRmcpPlus)
        {
            InspectRmcpPlus(state, packet, context);
        }
        else
        {
            InspectV15(state, packet, context);
        }
    }

    /// <summary>IPMI v1.5 session wrapper (IPMI v2.0 §13.6 Table 13-8; ipmi-wire.md §3).</summary>
    private void InspectV15(IpmiFlowState state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var p = packet.Payload;
        var authType = p[4];
        if (authType is not (Rmcp.AuthNone or Rmcp.AuthMd2 or Rmcp.AuthMd5 or Rmcp.AuthPassword or Rmcp.AuthOem))
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiBadAuthType, packet);
            return;
        }

        var header = authType == Rmcp.AuthNone ? Rmcp.V15HeaderLength : Rmcp.V15HeaderLength + Rmcp.V15AuthCodeLength;
        if (!Have(packet, header, IpmiAnomalies.IpmiTruncatedHeader, context))
        {
            return;
        }

        var sessionId = BinaryPrimitives.ReadUInt32LittleEndian(p[9..]);
        var length = p[header - 1];
        if (header + length > packet.PayloadLength)
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiPayloadLengthExceedsDatagram, packet);
            return;
        }

        state.Versions |= 1;
        if (p.Length < header + length)
        {
            return; // cut by the snap length; a trailing legacy pad byte is tolerated (Wireshark's ipmi_session.trailer)
        }

        if (!IpmiLanMessage.TryParse(p.Slice(header, length), out var message))
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiMessageTruncated, packet);
            return;
        }

        if (!message.ChecksumsValid)
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiBadChecksum, packet);
        }

        HandleV15Message(state, packet, authType, sessionId, message, context);
    }

    /// <summary>RMCP+ session header (IPMI v2.0 §13.6; ipmi-wire.md §5).</summary>
    private void InspectRmcpPlus(IpmiFlowState state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        if (!Have(packet, Rmcp.V20HeaderLength, IpmiAnomalies.IpmiTruncatedHeader, context))
        {
            return;
        }

        var p = packet.Payload;
        var typeByte = p[5];
        var type = (byte)(typeByte & Rmcp.PayloadTypeMask);
        var encrypted = (typeByte & Rmcp.PayloadEncrypted) != 0;
        var authenticated = (typeByte & Rmcp.PayloadAuthenticated) != 0;
        if (!IsDefinedPayloadType(type))
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiReservedPayloadType, packet);
            return;
        }

        // Payload type 2 inserts the OEM IANA and OEM payload id before the session id.
        var offset = type == Rmcp.PayloadOemExplicit ? 6 + Rmcp.OemPayloadExtra : 6;
        if (!Have(packet, offset + 10, IpmiAnomalies.IpmiTruncatedHeader, context))
        {
            return;
        }

        var sessionId = BinaryPrimitives.ReadUInt32LittleEndian(p[offset..]);
        var length = BinaryPrimitives.ReadUInt16LittleEndian(p[(offset + 8)..]);
        var start = offset + 10;
        if (start + length > packet.PayloadLength)
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiPayloadLengthExceedsDatagram, packet);
            return;
        }

        state.Versions |= 2;
        if (p.Length < start + length)
        {
            return; // cut by the snap length
        }

        var payload = p.Slice(start, length);
        if (type is >= Rmcp.PayloadOpenSessionRequest and <= Rmcp.PayloadRakp4)
        {
            if (encrypted || authenticated)
            {
                // Session set-up happens before any key exists (§13.15): a protected one is forged or fuzzed.
                context.Anomaly(Name, IpmiAnomalies.IpmiSetupPayloadProtected, packet);
                return;
            }

            HandleSetup(state, packet, type, payload, context);
            return;
        }

        if (authenticated && sessionId != 0)
        {
            CheckTrailer(packet, start + length, context);
        }

        switch (type)
        {
            case Rmcp.PayloadIpmi:
                HandleV20Message(state, packet, sessionId, encrypted, payload, context);
                break;
            case Rmcp.PayloadSol:
                state.SolPackets++;
                if (sessionId != 0)
                {
                    CountSessionMessage(state, sessionId, encrypted);
                    if (!encrypted)
                    {
                        state.CleartextSol++;
                    }
                }

                break;
            default:
                state.OemPayloads++;
                if (sessionId != 0)
                {
                    CountSessionMessage(state, sessionId, encrypted);
                }

                break;
        }
    }

    /// <summary>
    /// RMCP+ integrity trailer (§13.6): 0xFF pad bytes (0–3) so that the authenticated part is a multiple of
    /// four bytes, the pad length, next header 0x07, then the auth code. The pad is counted rather than
    /// computed so that an implementation aligning differently is not reported.
    /// </summary>
    private void CheckTrailer(scoped in AnalyzerPacket packet, int end, AnalyzerContext context)
    {
        var p = packet.Payload;
        if (packet.PayloadLength < end + 2)
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiIntegrityTrailerMissing, packet);
            return;
        }

        if (p.Length < packet.PayloadLength)
        {
            return; // not all captured
        }

        var pad = 0;
        while (pad < 3 && end + pad < p.Length && p[end + pad] == Rmcp.IntegrityPadByte)
        {
            pad++;
        }

        if (end + pad + 2 > p.Length || p[end + pad] != pad || p[end + pad + 1] != Rmcp.TrailerNextHeader || end + pad + 2 == p.Length)
        {
            context.Anomaly(Name, IpmiAnomalies.IpmiBadIntegrityTrailer, packet);
        }
    }

    // ---- flow record ----

    /// <summary>
    /// The flow's <c>ipmi.*</c> fields; counts are written only when non-zero. <c>version</c> 2.0 when an RMCP+
    /// header was seen, else 1.5 (ipmitool's lanplus runs start with a v1.5 capabilities probe) ·
    /// <c>discovery_only</c> ping or capabilities probe and no login · <c>asf_pings</c>, <c>asf_pongs</c>,
    /// <c>asf_power_controls</c>, <c>rmcp_acks</c> · from a capabilities response: <c>caps_auth_types</c>,
    /// <c>caps_versions</c>, <c>anonymous_login</c>, <c>null_user_enabled</c>, <c>per_message_auth</c> ·
    /// <c>cipher_suites_offered</c> (Get Channel Cipher Suites) · <c>sessions</c>, <c>sessions_completed</c>,
    /// <c>sessions_closed</c>, <c>session_state</c> of the last session · <c>auth_type</c> (v1.5) ·
    /// <c>cipher_suite</c> (standard id, when the negotiated triple is one), <c>auth_alg</c>,
    /// <c>integrity_alg</c>, <c>confidentiality_alg</c> · <c>user</c> (keyed fingerprint), <c>user_length</c>,
    /// <c>users</c> (distinct names, when more than one) · <c>privilege</c> · <c>rakp2_auth_code_length</c> ·
    /// <c>bmc_guid</c> (the managed-system GUID of RAKP2, 32 hex digits in wire order) ·
    /// <c>rakp2_without_rakp3</c> · <c>failures</c>, <c>failure_codes</c> (step:status) ·
    /// <c>session_messages</c>, <c>encrypted_messages</c>, <c>cleartext_commands</c>,
    /// <c>cleartext_command_names</c> · <c>sol_packets</c>, <c>cleartext_sol_packets</c>, <c>oem_payloads</c>.
    /// </summary>
    private static void WriteFields(IpmiFlowState s, List<KeyValuePair<string, string>> fields)
    {
        var c = CultureInfo.InvariantCulture;
        if ((s.Versions & 2) != 0)
        {
            fields.Add(new("ipmi.version", "2.0"));
        }
        else if ((s.Versions & 1) != 0)
        {
            fields.Add(new("ipmi.version", "1.5"));
        }

        if (s.ProbeSettled && !s.SessionActivity)
        {
            fields.Add(new("ipmi.discovery_only", "true")); // a ping or capabilities probe and no login
        }

        AddCount(fields, "ipmi.asf_pings", s.AsfPings);
        AddCount(fields, "ipmi.asf_pongs", s.AsfPongs);
        AddCount(fields, "ipmi.asf_power_controls", s.AsfPowerControls);
        AddCount(fields, "ipmi.rmcp_acks", s.RmcpAcks);
        if (s.CapsSeen)
        {
            fields.Add(new("ipmi.caps_auth_types", AuthTypeList(s.CapsAuthTypes)));
            fields.Add(new("ipmi.caps_versions", (s.CapsAuthTypes & 0x80) == 0 ? "1.5" : (s.CapsExtended & 0x03) switch
            {
                0x01 => "1.5",
                0x02 => "2.0",
                0x03 => "1.5,2.0",
                _ => "none",
            }));
            fields.Add(new("ipmi.anonymous_login", (s.CapsLogin & 0x01) != 0 ? "true" : "false"));
            fields.Add(new("ipmi.null_user_enabled", (s.CapsLogin & 0x02) != 0 ? "true" : "false"));
            if ((s.CapsLogin & 0x10) != 0)
            {
                fields.Add(new("ipmi.per_message_auth", "disabled"));
            }
        }

        if (s.SuitesListed)
        {
            fields.Add(new("ipmi.cipher_suites_offered", SuiteList(s.AdvertisedSuites)));
        }

        AddCount(fields, "ipmi.sessions", s.SessionsStarted);
        AddCount(fields, "ipmi.sessions_completed", s.SessionsCompleted);
        AddCount(fields, "ipmi.sessions_closed", s.SessionsClosed);
        if (s.Latest is { } last)
        {
            fields.Add(new("ipmi.session_state", StateName(last.State)));
        }

        if (s.V15AuthType != 0xFF)
        {
            fields.Add(new("ipmi.auth_type", IpmiNames.AuthType(s.V15AuthType)));
        }

        if (s.HasNegotiated)
        {
            var a = s.Negotiated;
            var id = CipherSuites.IdOf(a.Authentication, a.Integrity, a.Confidentiality);
            if (id >= 0)
            {
                fields.Add(new("ipmi.cipher_suite", id.ToString(c)));
            }

            fields.Add(new("ipmi.auth_alg", IpmiNames.AuthenticationAlgorithm(a.Authentication)));
            fields.Add(new("ipmi.integrity_alg", IpmiNames.IntegrityAlgorithm(a.Integrity)));
            fields.Add(new("ipmi.confidentiality_alg", IpmiNames.ConfidentialityAlgorithm(a.Confidentiality)));
        }

        if (s.UserFingerprint is not null)
        {
            fields.Add(new("ipmi.user", s.UserFingerprint));
            fields.Add(new("ipmi.user_length", s.UserLength.ToString(c)));
            if (s.UserCount > 1)
            {
                fields.Add(new("ipmi.users", s.UserCount.ToString(c)));
            }
        }

        if (s.HasRole)
        {
            fields.Add(new("ipmi.privilege", IpmiNames.Privilege((byte)(s.LastRole & 0x0F))));
        }

        if (s.Rakp2AuthCodeLength >= 0)
        {
            fields.Add(new("ipmi.rakp2_auth_code_length", s.Rakp2AuthCodeLength.ToString(c)));
        }

        if (s.HasBmcGuid)
        {
            // Not a secret: the BMC sends it in clear at every session set-up, and it names the machine.
            Span<byte> guid = stackalloc byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(guid, s.BmcGuid);
            fields.Add(new("ipmi.bmc_guid", Convert.ToHexStringLower(guid)));
        }

        AddCount(fields, "ipmi.rakp2_without_rakp3", s.Rakp2WithoutRakp3);
        AddCount(fields, "ipmi.failures", s.Failures);
        if (s.FailureCodeCount > 0)
        {
            fields.Add(new("ipmi.failure_codes", FailureList(s)));
        }

        AddCount(fields, "ipmi.session_messages", s.SessionMessages);
        AddCount(fields, "ipmi.encrypted_messages", s.EncryptedMessages);
        AddCount(fields, "ipmi.cleartext_commands", s.CleartextCommands);
        if (s.CommandIdCount > 0)
        {
            var names = new string[s.CommandIdCount];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = IpmiCommands.NameOrNumber((byte)(s.CommandIds[i] >> 8), (byte)s.CommandIds[i]);
            }

            fields.Add(new("ipmi.cleartext_command_names", string.Join(',', names)));
        }

        AddCount(fields, "ipmi.sol_packets", s.SolPackets);
        AddCount(fields, "ipmi.cleartext_sol_packets", s.CleartextSol);
        AddCount(fields, "ipmi.oem_payloads", s.OemPayloads + s.OemMessages);
    }

    private static void AddCount(List<KeyValuePair<string, string>> fields, string name, int value)
    {
        if (value > 0)
        {
            fields.Add(new(name, value.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Get Channel Auth Capabilities byte 2 (§22.13): bit 0 none, 1 MD2, 2 MD5, 4 straight password, 5 OEM.</summary>
    private static string AuthTypeList(byte bits)
    {
        var names = new List<string>(5);
        if ((bits & 0x01) != 0)
        {
            names.Add("none");
        }

        if ((bits & 0x02) != 0)
        {
            names.Add("md2");
        }

        if ((bits & 0x04) != 0)
        {
            names.Add("md5");
        }

        if ((bits & 0x10) != 0)
        {
            names.Add("password");
        }

        if ((bits & 0x20) != 0)
        {
            names.Add("oem");
        }

        return names.Count == 0 ? "none_listed" : string.Join(',', names);
    }

    private static string SuiteList(ulong suites)
    {
        var ids = new List<string>();
        for (var i = 0; i < 64; i++)
        {
            if ((suites & (1UL << i)) != 0)
            {
                ids.Add(i.ToString(CultureInfo.InvariantCulture));
            }
        }

        return ids.Count == 0 ? "none_listed" : string.Join(',', ids);
    }

    private static string FailureList(IpmiFlowState s)
    {
        var parts = new string[s.FailureCodeCount];
        for (var i = 0; i < parts.Length; i++)
        {
            var step = s.FailureCodes[i] >> 8;
            var code = (byte)s.FailureCodes[i];
            parts[i] = step switch
            {
                FailOpen => "open_session:" + IpmiNames.Status(code),
                FailRakp2 => "rakp2:" + IpmiNames.Status(code),
                FailRakp3 => "rakp3:" + IpmiNames.Status(code),
                FailRakp4 => "rakp4:" + IpmiNames.Status(code),
                FailChallenge => "get_session_challenge:" + IpmiNames.Hex(code),
                _ => "activate_session:" + IpmiNames.Hex(code),
            };
        }

        return string.Join(',', parts);
    }

    private static string StateName(SessionState state) => state switch
    {
        SessionState.ChallengeRequested => "challenge_requested",
        SessionState.ChallengeReceived => "challenge_received",
        SessionState.ActivationRequested => "activation_requested",
        SessionState.OpenSessionRequested => "open_session_requested",
        SessionState.OpenSessionAccepted => "open_session_accepted",
        SessionState.Rakp1Sent => "rakp1",
        SessionState.Rakp2Received => "rakp2",
        SessionState.Rakp3Sent => "rakp3",
        SessionState.Established => "established",
        SessionState.Closed => "closed",
        SessionState.Failed => "failed",
        _ => "none",
    };
}
