using System.Globalization;
using System.Text;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Analyzers.Ldap;

/// <summary>
/// LDAP over TCP (RFC 4511) on 389 and Active Directory's global catalog 3268: the directory logins BMCs make
/// for their users (a bind with the BMC's service account, a search for the user, a bind as the user to
/// check the password). Records the operations, how each bind authenticated and its result, and whether
/// the connection switched to TLS (StartTLS), after which it is no longer read. Bind names and passwords are
/// credentials: a name leaves only as its keyed fingerprint and length, a password only as its length.
/// Raises <see cref="Signatures.LdapPasswordInClear"/> for a simple (or SASL PLAIN) bind with a password
/// outside TLS, once a day per client and directory.
/// </summary>
public sealed class LdapAnalyzer : IProtocolAnalyzer
{
    /// <summary>
    /// A direction's messages are read whole into a buffer this size: binds, StartTLS and results are a few
    /// hundred bytes; a larger message (a search result with many attributes) ends the reading of its
    /// direction rather than being buffered.
    /// </summary>
    private const int BufferCapacity = 8 * 1024;

    /// <summary>LDAP connections being read at once that can borrow a buffer (bounds memory under a flood: 4 MiB).</summary>
    private const int MaxBuffers = 512;

    /// <summary>Messages read per direction: a BMC's login is a handful; bounds the work of a long-lived connection.</summary>
    private const int MaxMessages = 32;

    /// <summary>(client, directory) pairs remembered for the daily repeat of the cleartext-password finding.</summary>
    private const int MaxReportedPairs = 65_536;

    private readonly FlowStates<State> _states = new();
    private readonly StreamBufferPool _pool = new(BufferCapacity, MaxBuffers);
    private readonly ReportLimiter<(HostAddress Client, HostAddress Server)> _cleartextReports = new(MaxReportedPairs);

    /// <inheritdoc/>
    public string Name => "ldap";

    /// <summary>389 (LDAP, RFC 4511) and 3268 (Active Directory global catalog); 636 and 3269 are TLS.</summary>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Tcp, 389), new(IpProtocol.Tcp, 3268)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        if (packet.Protocol != IpProtocol.Tcp || !packet.FromOriginator)
        {
            return false;
        }

        // A client's first message: a request that can open a connection (bind, search, StartTLS).
        var m = default(LdapMessage);
        return LdapMessage.Frame(packet.Payload, out var total) == LdapFraming.Complete && m.Read(packet.Payload[..total])
            && m.Operation is LdapOperation.Bind or LdapOperation.Search or LdapOperation.Extended;
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Get(packet.Flow);
        var side = packet.FromOriginator ? state.Client : state.Server;
        if (side.Stream.Offer(packet, _pool, buffered: true, out var data, out var inPlace))
        {
            var consumed = Read(data, side, state, packet, context);
            side.Done = side.Stream.Settle(side.Done, inPlace, consumed, _pool);
        }

        if (state.Client.Stream.Finished && state.Server.Stream.Finished)
        {
            context.StopInspecting(packet);
        }
    }

    /// <summary>Reads the whole messages in a direction's bytes; returns the bytes used up.</summary>
    private int Read(ReadOnlySpan<byte> data, MessageDirection side, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var used = 0;
        while (!side.Done)
        {
            if (side.Messages == MaxMessages || state.StartTls)
            {
                side.Done = true;
                break;
            }

            var framing = LdapMessage.Frame(data[used..], out var total);
            if (framing == LdapFraming.NeedMore)
            {
                break;
            }

            var m = default(LdapMessage);
            if (framing == LdapFraming.Bad || !m.Read(data.Slice(used, total)))
            {
                // Bytes that never were LDAP (a capture that began mid-message) are not followed; broken
                // grammar on a connection that spoke LDAP is a violation.
                if (state.Confirmed)
                {
                    context.Anomaly(Name, "LDAP_MALFORMED_MESSAGE", packet);
                }

                side.Done = true;
                break;
            }

            used += total;
            side.Messages++;
            if (!state.Confirmed)
            {
                state.Confirmed = true;
                context.Confirm(packet);
            }

            state.Operations |= 1u << (int)m.Operation;
            if (m.Operation == LdapOperation.Bind && packet.FromOriginator)
            {
                OnBind(ref m, state, packet, context);
            }
            else if (m.Operation == LdapOperation.BindResult && !packet.FromOriginator)
            {
                state.BindResult = m.ResultCode;
            }
            else if (m.Operation == LdapOperation.Extended && m.RequestName.SequenceEqual(LdapMessage.StartTlsOid))
            {
                state.StartTlsRequested = true;
            }
            else if (m.Operation == LdapOperation.ExtendedResult && state.StartTlsRequested && m.ResultCode == 0)
            {
                // RFC 4511 §4.14.2: TLS starts right after a successful StartTLS response.
                state.StartTls = true;
            }
        }

        return used;
    }

    private void OnBind(ref LdapMessage m, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        state.Binds++;
        state.Version = m.Version;
        state.BindResult = null;
        state.User = m.Name.IsEmpty ? null : context.Fingerprints.Fingerprint(m.Name);
        state.UserLength = Encoding.UTF8.GetCharCount(m.Name); // LDAPString is UTF-8 (RFC 4511 §4.1.2); lengths in characters, as for HTTP
        // SASL PLAIN (RFC 4616) carries "authzid NUL authcid NUL password" in clear: as good as a simple bind.
        var plain = m.Sasl && Ascii.EqualsIgnoreCase(m.Mechanism, "PLAIN"u8);
        var password = plain ? m.SaslCredentials[(m.SaslCredentials.LastIndexOf((byte)0) + 1)..] : m.Password;
        state.PasswordLength = Encoding.UTF8.GetCharCount(password);

        // RFC 4513 §5.1: an empty name and password is an anonymous bind; a name without a password an
        // "unauthenticated" one, which servers may accept as anonymous while the client takes it for a login.
        state.Auth = m.Sasl ? "sasl:" + WireText.Escape(m.Mechanism, 32)
            : m.Password.IsEmpty ? (m.Name.IsEmpty ? "anonymous" : "unauthenticated")
            : "simple";
        if ((m.Sasl && !plain) || password.IsEmpty
            || !_cleartextReports.TryReport((packet.Originator, packet.Responder), packet.Timestamp, ReportLimiter.PostureInterval))
        {
            return;
        }

        var nameLength = state.UserLength.ToString(CultureInfo.InvariantCulture);
        var passwordLength = state.PasswordLength.ToString(CultureInfo.InvariantCulture);
        context.Alert(Signatures.LdapPasswordInClear, packet,
            $"{packet.Originator} logged in to the directory {packet.Responder}:{packet.ResponderPort} with an LDAP {(plain ? "SASL PLAIN" : "simple")} bind outside TLS " +
            $"(name {state.User ?? "empty"}, {nameLength} characters; {passwordLength}-character password): anyone on the path can read the password",
            [
                new("ldap.bind_user", state.User ?? ""),
                new("ldap.bind_user_length", nameLength),
                new("ldap.password_length", passwordLength),
                new("ldap.version", m.Version.ToString(CultureInfo.InvariantCulture)),
            ]);
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var state = _states.Find(flow);
        if (state is null)
        {
            return;
        }

        if (state.Operations != 0)
        {
            fields.Add(new("ldap.operations", Operations(state.Operations)));
        }

        if (state.Binds > 0)
        {
            // The last bind: a BMC binds as its service account, then as the user whose password it checks.
            fields.Add(new("ldap.binds", state.Binds.ToString(CultureInfo.InvariantCulture)));
            fields.Add(new("ldap.version", state.Version.ToString(CultureInfo.InvariantCulture)));
            fields.AddIfSet("ldap.bind_auth", state.Auth);
            fields.AddIfSet("ldap.bind_user", state.User);
            fields.Add(new("ldap.bind_user_length", state.UserLength.ToString(CultureInfo.InvariantCulture)));
            fields.Add(new("ldap.password_length", state.PasswordLength.ToString(CultureInfo.InvariantCulture)));
            if (state.BindResult is { } result)
            {
                fields.Add(new("ldap.bind_result", ResultName(result)));
            }
        }

        if (state.StartTlsRequested)
        {
            fields.Add(new("ldap.starttls", state.StartTls ? "true" : "refused"));
        }

        if (final)
        {
            state.Client.Stream.Reset(_pool);
            state.Server.Stream.Reset(_pool);
            _states.Release(flow);
        }
    }

    /// <summary>Operation names in protocol order, as RFC 4511 §4.2–§4.12 name them.</summary>
    private static string Operations(uint set)
    {
        var names = new List<string>();
        for (var op = 0; op < 32; op++)
        {
            if ((set & (1u << op)) != 0)
            {
                names.Add(((LdapOperation)op) switch
                {
                    LdapOperation.Bind => "bind",
                    LdapOperation.BindResult => "bind_result",
                    LdapOperation.Unbind => "unbind",
                    LdapOperation.Search => "search",
                    LdapOperation.SearchEntry => "search_entry",
                    LdapOperation.SearchDone => "search_done",
                    LdapOperation.SearchReference => "search_reference",
                    LdapOperation.Modify => "modify",
                    LdapOperation.Add => "add",
                    LdapOperation.Delete => "delete",
                    LdapOperation.ModifyDn => "modify_dn",
                    LdapOperation.Compare => "compare",
                    LdapOperation.Abandon => "abandon",
                    LdapOperation.Extended => "extended",
                    LdapOperation.ExtendedResult => "extended_result",
                    LdapOperation.Intermediate => "intermediate",
                    _ => "result",
                });
            }
        }

        return string.Join(',', names.Distinct());
    }

    /// <summary>resultCode names (RFC 4511 §4.1.9) for the codes a login meets; others as numbers.</summary>
    private static string ResultName(long code) => code switch
    {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        14 => "saslBindInProgress",
        32 => "noSuchObject",
        34 => "invalidDNSyntax",
        48 => "inappropriateAuthentication",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };

    private sealed class State : IResettable
    {
        public MessageDirection Client { get; } = new();

        public MessageDirection Server { get; } = new();

        public bool Confirmed { get; set; }

        public uint Operations { get; set; }

        public int Binds { get; set; }

        public long Version { get; set; }

        public string? Auth { get; set; }

        public string? User { get; set; }

        public int UserLength { get; set; }

        public int PasswordLength { get; set; }

        public long? BindResult { get; set; }

        public bool StartTlsRequested { get; set; }

        public bool StartTls { get; set; }

        public void Reset()
        {
            Client.Clear();
            Server.Clear();
            Confirmed = StartTlsRequested = StartTls = false;
            Operations = 0;
            Binds = UserLength = PasswordLength = 0;
            Version = 0;
            Auth = User = null;
            BindResult = null;
        }
    }
}
