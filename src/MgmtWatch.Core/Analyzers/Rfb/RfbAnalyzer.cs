using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Analyzers.Rfb;

/// <summary>
/// RFB, the VNC remote framebuffer protocol (RFC 6143), on which most BMC remote consoles run (Supermicro
/// iKVM, iDRAC's VNC server, OpenBMC's KVM): the protocol versions, the security types offered and chosen,
/// the authentication result, the shared flag and the desktop name. Apple Remote Desktop's variant
/// (version 3.889, security type 30) is followed too. After ServerInit the flow is no longer inspected (the
/// rest is framebuffer updates, megabytes per minute). A console port that does not speak RFB (iDRAC's
/// proprietary console on 5900) is still marked as a KVM session once data has flowed both ways.
/// </summary>
public sealed class RfbAnalyzer : IProtocolAnalyzer
{
    /// <summary>ProtocolVersion: "RFB xxx.yyy\n" (RFC 6143 §7.1.1).</summary>
    private const int VersionLength = 12;

    /// <summary>VNC authentication challenge and response (RFC 6143 §7.2.2).</summary>
    private const int VncChallengeLength = 16;

    /// <summary>ServerInit before the name: width, height, PIXEL_FORMAT (16), name length (RFC 6143 §7.3.2).</summary>
    private const int ServerInitFixed = 24;

    /// <summary>Desktop names and failure reasons are cut here: they are labels, not documents.</summary>
    private const int MaxText = 255;

    /// <summary>
    /// Apple Remote Desktop's Diffie-Hellman key length: 128 bytes in practice; anything above 1 KiB is not
    /// a key exchange we follow.
    /// </summary>
    private const int MaxArdKeyLength = 1024;

    /// <summary>ARD's client response: 128 bytes of encrypted credentials, then its public key.</summary>
    private const int ArdCredentialsLength = 128;

    /// <summary>Handshake bytes per direction: ARD's largest message (4 + 2 × 1 KiB) and a ServerInit with a long name.</summary>
    private const int BufferCapacity = 4 * 1024;

    /// <summary>Console handshakes in progress at once that can borrow buffers (bounds memory under a flood: 2 MiB).</summary>
    private const int MaxBuffers = 512;

    private readonly FlowStates<State> _states = new();
    private readonly StreamBufferPool _pool = new(BufferCapacity, MaxBuffers);

    /// <inheritdoc/>
    public string Name => "rfb";

    /// <summary>5900–5909: VNC display :0–:9 (RFC 6143 §1); BMCs use 5900, some a few above.</summary>
    public IReadOnlyList<ServicePort> Ports { get; } = [.. Enumerable.Range(5900, 10).Select(p => new ServicePort(IpProtocol.Tcp, (ushort)p))];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet) =>
        packet.Protocol == IpProtocol.Tcp && packet.Payload.Length >= VersionLength && TryVersion(packet.Payload, out _, out _);

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Get(packet.Flow);
        if (packet.FromOriginator)
        {
            state.OriginatorSent = true;
        }
        else
        {
            state.ResponderSent = true;
        }

        if (state.Phase == Phase.NotRfb)
        {
            if (state.OriginatorSent && state.ResponderSent)
            {
                state.Phase = Phase.Done;
                Finish(state, packet, context);
            }

            return;
        }

        var stream = packet.FromOriginator ? state.Originator : state.Responder;
        if (!stream.Offer(packet, _pool, buffered: true, out _, out var inPlace))
        {
            return;
        }

        if (inPlace)
        {
            // No buffer to spare: the handshake cannot be followed across segments.
            state.Phase = Phase.Done;
            Finish(state, packet, context);
            return;
        }

        Advance(state, packet, context);
        if (state.Phase == Phase.NotRfb)
        {
            // Not RFB: keep no buffers, and wait only to see data both ways (a proprietary console).
            state.Originator.Finish(_pool);
            state.Responder.Finish(_pool);
            if (state.OriginatorSent && state.ResponderSent)
            {
                state.Phase = Phase.Done;
                context.StopInspecting(packet);
            }
        }
        else if (state.Phase == Phase.Done || state.Originator.Stalled || state.Responder.Stalled)
        {
            state.Phase = Phase.Done;
            Finish(state, packet, context);
        }
    }

    private void Finish(State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        state.Originator.Finish(_pool);
        state.Responder.Finish(_pool);
        context.StopInspecting(packet);
    }

    /// <summary>Runs the handshake as far as the bytes held allow (RFC 6143 §7.1–7.3).</summary>
    private void Advance(State s, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        while (true)
        {
            // Before the server's version is known, the server is whoever sends "RFB " first.
            if (s.Phase == Phase.ServerVersion)
            {
                var server = s.Responder.Buffer is { Length: > 0 } ? s.Responder : s.Originator.Buffer is { Length: > 0 } ? s.Originator : null;
                var b = server?.Buffer;
                if (b is null)
                {
                    return;
                }

                if (b.Length < VersionLength)
                {
                    if (!"RFB "u8.StartsWith(b.Data[..Math.Min(4, b.Length)]))
                    {
                        s.Phase = Phase.NotRfb;
                        s.Foreign = true;
                    }

                    return;
                }

                if (!TryVersion(b.Data, out var major, out var minor))
                {
                    if (b.Data.StartsWith("RFB "u8))
                    {
                        context.Anomaly(Name, "RFB_BAD_VERSION", packet);
                        s.Phase = Phase.Done;
                    }
                    else
                    {
                        s.Phase = Phase.NotRfb;
                        s.Foreign = true;
                    }

                    return;
                }

                s.ServerIsResponder = ReferenceEquals(server, s.Responder);
                s.ServerVersion = FormatVersion(major, minor);
                b.Consume(VersionLength);
                s.Phase = Phase.ClientVersion;
                continue;
            }

            var fromServer = s.ServerIsResponder ? s.Responder.Buffer : s.Originator.Buffer;
            var fromClient = s.ServerIsResponder ? s.Originator.Buffer : s.Responder.Buffer;
            if (fromServer is null || fromClient is null)
            {
                return;
            }

            switch (s.Phase)
            {
                case Phase.ClientVersion:
                    {
                        if (fromClient.Length < VersionLength)
                        {
                            return;
                        }

                        if (!TryVersion(fromClient.Data, out var major, out var minor))
                        {
                            context.Anomaly(Name, "RFB_BAD_VERSION", packet);
                            s.Phase = Phase.Done;
                            return;
                        }

                        context.Confirm(packet);
                        s.Confirmed = true;
                        s.Client = (s.ServerIsResponder ? packet.Originator : packet.Responder).ToString();
                        s.ClientVersion = FormatVersion(major, minor);

                        // RFC 6143 §7.1.1: 3.3 and 3.7 as published; other minors below 7 (3.5) are 3.3;
                        // 3.8 and anything later (Apple's 3.889) behave as 3.8.
                        s.Minor = major != 3 ? 8 : minor < 7 ? 3 : minor == 7 ? 7 : 8;
                        s.Version = "3." + s.Minor.ToString(CultureInfo.InvariantCulture);
                        fromClient.Consume(VersionLength);
                        s.Phase = Phase.SecurityTypes;
                        break;
                    }

                case Phase.SecurityTypes:
                    if (s.Minor == 3)
                    {
                        // RFC 6143 §7.2 (3.3): the server decides, as a U32; 0 means failure with a reason.
                        if (fromServer.Length < 4)
                        {
                            return;
                        }

                        var type = ReadU32(fromServer.Data);
                        fromServer.Consume(4);
                        if (type == 0)
                        {
                            s.Phase = Phase.FailureReason;
                            break;
                        }

                        s.SecurityType = type > byte.MaxValue ? -1 : (int)type;
                        s.Phase = AfterChoice(s);
                    }
                    else
                    {
                        if (fromServer.Length < 1 || fromServer.Length < 1 + fromServer.Data[0])
                        {
                            return;
                        }

                        var count = fromServer.Data[0];
                        if (count == 0)
                        {
                            fromServer.Consume(1);
                            s.Phase = Phase.FailureReason;
                            break;
                        }

                        s.SecurityTypes = string.Join(',', fromServer.Data.Slice(1, count).ToArray());
                        fromServer.Consume(1 + count);
                        s.Phase = Phase.SecurityChoice;
                    }

                    break;

                case Phase.SecurityChoice:
                    if (fromClient.Length < 1)
                    {
                        return;
                    }

                    s.SecurityType = fromClient.Data[0];
                    fromClient.Consume(1);
                    s.Phase = AfterChoice(s);
                    break;

                case Phase.VncChallenge:
                    if (fromServer.Length < VncChallengeLength || fromClient.Length < VncChallengeLength)
                    {
                        return;
                    }

                    fromServer.Consume(VncChallengeLength);
                    fromClient.Consume(VncChallengeLength);
                    s.Phase = Phase.SecurityResult;
                    break;

                case Phase.ArdChallenge:
                    {
                        // Apple Remote Desktop: generator (2), key length (2), prime and server key (key length each);
                        // the client answers with 128 bytes of encrypted credentials and its own key.
                        if (fromServer.Length < 4)
                        {
                            return;
                        }

                        var keyLength = (fromServer.Data[2] << 8) | fromServer.Data[3];
                        if (keyLength is 0 or > MaxArdKeyLength)
                        {
                            context.Anomaly(Name, "RFB_BAD_ARD_KEY_LENGTH", packet);
                            s.Phase = Phase.Done;
                            return;
                        }

                        if (fromServer.Length < 4 + (2 * keyLength) || fromClient.Length < ArdCredentialsLength + keyLength)
                        {
                            return;
                        }

                        fromServer.Consume(4 + (2 * keyLength));
                        fromClient.Consume(ArdCredentialsLength + keyLength);
                        s.Phase = Phase.SecurityResult;
                        break;
                    }

                case Phase.SecurityResult:
                    {
                        // RFC 6143 §7.1.3: U32 0 OK, 1 failed (3.8 adds a reason); 2 is "too many attempts" in 3.3 servers.
                        if (fromServer.Length < 4)
                        {
                            return;
                        }

                        var result = ReadU32(fromServer.Data);
                        fromServer.Consume(4);
                        s.AuthOk = result == 0;
                        s.Phase = result == 0 ? Phase.ClientInit : s.Minor >= 8 ? Phase.FailureReason : Phase.Done;
                        break;
                    }

                case Phase.FailureReason:
                    {
                        // reason-length U32, reason-string (RFC 6143 §7.1.2, §7.1.3).
                        if (fromServer.Length < 4)
                        {
                            return;
                        }

                        var length = ReadU32(fromServer.Data);
                        var available = fromServer.Length - 4;
                        if (length > (uint)available && available < MaxText)
                        {
                            return;
                        }

                        var text = fromServer.Data.Slice(4, (int)Math.Min(length, (uint)Math.Min(available, MaxText)));
                        s.FailureReason = WireText.Escape(text, MaxText);
                        s.Phase = Phase.Done;
                        return;
                    }

                case Phase.ClientInit:
                    if (fromClient.Length < 1)
                    {
                        return;
                    }

                    s.Shared = fromClient.Data[0] != 0;
                    fromClient.Consume(1);
                    s.Phase = Phase.ServerInit;
                    break;

                case Phase.ServerInit:
                    {
                        if (fromServer.Length < ServerInitFixed)
                        {
                            return;
                        }

                        var d = fromServer.Data;
                        var nameLength = ReadU32(d[20..]);
                        var available = fromServer.Length - ServerInitFixed;
                        if (nameLength > (uint)available && available < MaxText && !fromServer.Full)
                        {
                            return;
                        }

                        s.Width = (d[0] << 8) | d[1];
                        s.Height = (d[2] << 8) | d[3];
                        s.DesktopName = WireText.Escape(d.Slice(ServerInitFixed, (int)Math.Min(nameLength, (uint)available)), MaxText);
                        s.Phase = Phase.Done;
                        return;
                    }

                default:
                    return;
            }
        }
    }

    /// <summary>What follows the security type (RFC 6143 §7.2): its own exchange, a result, or straight to ClientInit.</summary>
    private static Phase AfterChoice(State s) => s.SecurityType switch
    {
        1 => s.Minor >= 8 ? Phase.SecurityResult : Phase.ClientInit, // None: 3.8 still sends SecurityResult
        2 => Phase.VncChallenge,
        30 => Phase.ArdChallenge,
        _ => Phase.Done, // a sub-protocol (TLS, VeNCrypt, Tight, a vendor's) we do not follow
    };

    private static uint ReadU32(ReadOnlySpan<byte> d) => (uint)((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]);

    private static bool TryVersion(ReadOnlySpan<byte> d, out int major, out int minor)
    {
        major = minor = 0;
        if (d.Length < VersionLength || !d.StartsWith("RFB "u8) || d[7] != '.' || d[11] != '\n')
        {
            return false;
        }

        for (var i = 4; i < 11; i++)
        {
            if (i != 7 && d[i] is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        major = ((d[4] - '0') * 100) + ((d[5] - '0') * 10) + (d[6] - '0');
        minor = ((d[8] - '0') * 100) + ((d[9] - '0') * 10) + (d[10] - '0');
        return true;
    }

    private static string FormatVersion(int major, int minor) =>
        major.ToString("000", CultureInfo.InvariantCulture) + "." + minor.ToString("000", CultureInfo.InvariantCulture);

    /// <summary>Security type names (RFC 6143 §7.2, IANA RFB Security Types registry; 30 is Apple's).</summary>
    private static string? SecurityTypeName(int type) => type switch
    {
        1 => "None",
        2 => "VNC",
        5 => "RA2",
        6 => "RA2ne",
        16 => "Tight",
        17 => "Ultra",
        18 => "TLS",
        19 => "VeNCrypt",
        20 => "GTK-VNC SASL",
        21 => "MD5 hash authentication",
        22 => "Colin Dean xvp",
        30 => "Apple Remote Desktop",
        _ => null,
    };

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var s = _states.Find(flow);
        if (s is null)
        {
            return;
        }

        if (s.Confirmed)
        {
            fields.Add(new("rfb.version", s.Version!));
            fields.AddIfSet("rfb.server_version", s.ServerVersion);
            fields.AddIfSet("rfb.client_version", s.ClientVersion);
            fields.AddIfSet("rfb.security_types", s.SecurityTypes);
            if (s.SecurityType >= 0)
            {
                fields.Add(new("rfb.security_type", s.SecurityType.ToString(CultureInfo.InvariantCulture)));
                fields.AddIfSet("rfb.auth_method", SecurityTypeName(s.SecurityType));
            }

            if (s.AuthOk is { } ok)
            {
                fields.Add(new("rfb.auth_ok", ok ? "true" : "false"));
            }

            fields.AddIfSet("rfb.failure_reason", s.FailureReason);
            if (s.Shared is { } shared)
            {
                fields.Add(new("rfb.shared", shared ? "true" : "false"));
            }

            fields.AddIfSet("rfb.desktop_name", s.DesktopName);
            if (s.Width >= 0)
            {
                fields.Add(new("rfb.width", s.Width.ToString(CultureInfo.InvariantCulture)));
                fields.Add(new("rfb.height", s.Height.ToString(CultureInfo.InvariantCulture)));
            }

            fields.Add(new("kvm.kind", "console"));
            fields.Add(new("kvm.client", s.Client!));
        }
        else if (s.Foreign && s.OriginatorSent && s.ResponderSent)
        {
            // A console port carrying something else both ways (iDRAC's proprietary console on 5900).
            fields.Add(new("kvm.kind", "console"));
            fields.Add(new("kvm.protocol", "unknown"));
        }

        if (final)
        {
            s.Originator.Reset(_pool);
            s.Responder.Reset(_pool);
            _states.Release(flow);
        }
    }

    private enum Phase : byte
    {
        ServerVersion,
        ClientVersion,
        SecurityTypes,
        SecurityChoice,
        VncChallenge,
        ArdChallenge,
        SecurityResult,
        FailureReason,
        ClientInit,
        ServerInit,
        Done,
        NotRfb,
    }

    private sealed class State : IResettable
    {
        public HandshakeStream Originator { get; } = new();

        public HandshakeStream Responder { get; } = new();

        public Phase Phase { get; set; }

        public bool ServerIsResponder { get; set; } = true;

        public bool OriginatorSent { get; set; }

        public bool ResponderSent { get; set; }

        public bool Confirmed { get; set; }

        public bool Foreign { get; set; }

        public int Minor { get; set; }

        public string? Version { get; set; }

        public string? ServerVersion { get; set; }

        public string? ClientVersion { get; set; }

        public string? Client { get; set; }

        public string? SecurityTypes { get; set; }

        public int SecurityType { get; set; } = -1;

        public bool? AuthOk { get; set; }

        public string? FailureReason { get; set; }

        public bool? Shared { get; set; }

        public string? DesktopName { get; set; }

        public int Width { get; set; } = -1;

        public int Height { get; set; } = -1;

        public void Reset()
        {
            Phase = Phase.ServerVersion;
            ServerIsResponder = true;
            OriginatorSent = ResponderSent = Confirmed = Foreign = false;
            Minor = 0;
            Version = ServerVersion = ClientVersion = Client = SecurityTypes = FailureReason = DesktopName = null;
            SecurityType = Width = Height = -1;
            AuthOk = Shared = null;
        }
    }
}
