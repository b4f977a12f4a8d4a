using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Analyzers.Http;

/// <summary>
/// Cleartext HTTP/1.x (RFC 9112): the requests and responses of a connection, header blocks only (bodies
/// are passed over by their Content-Length without being read). Records the first request's method, path
/// (query string dropped: it may hold tokens or passwords), Host and User-Agent, response status codes and
/// the server's name, and whether Redfish was spoken in clear. Raises
/// <see cref="Signatures.HttpBasicCredentialsInClear"/> for an Authorization: Basic header (the user name
/// only as a keyed fingerprint, the password only as a length), <see cref="Signatures.SupermicroPasswordFile"/>
/// for a request for /PSBlock on TCP 49152, <see cref="Signatures.RedfishInClear"/> for a Redfish login, change
/// or authenticated request in clear (<see cref="RedfishRequest"/>; no token or body is kept) and
/// <see cref="Signatures.IloAuthenticationBypass"/> for the HPE iLO 4 Connection-header bypass.
/// </summary>
public sealed class HttpAnalyzer : IProtocolAnalyzer
{
    /// <summary>Supermicro X9's UPnP web service, which served /PSBlock (threats.md §7).</summary>
    public const ushort SupermicroUpnpPort = 49152;

    /// <summary>Length of the Connection header from which iLO 4 before 2.53 skipped authentication (CVE-2017-12542).</summary>
    private const int IloConnectionOverflow = 29;

    /// <summary>Requests and responses read per connection; enough for a login exchange and a poll, bounds the work of a long keep-alive.</summary>
    private const int MaxMessages = 32;

    /// <summary>Status codes kept for the flow record.</summary>
    private const int MaxStatuses = 8;

    /// <summary>Field values (path, User-Agent, Host, Server) are cut at this many bytes.</summary>
    private const int MaxValue = 256;

    /// <summary>
    /// A Basic token longer than this is not a credential a BMC accepts (they limit user names and
    /// passwords to 16–64 characters); it is not decoded.
    /// </summary>
    private const int MaxBasicToken = 1024;

    /// <summary>Connections reading header blocks at once that can borrow a buffer (bounds memory under a flood: 4.5 MiB).</summary>
    private const int MaxBuffers = 512;

    private readonly FlowStates<State> _states = new();
    private readonly StreamBufferPool _pool = new(HttpMessage.MaxHeaderBlock + 1024, MaxBuffers);

    /// <inheritdoc/>
    public string Name => "http";

    /// <summary>80 and 8080 (BMC web UIs without TLS), 49152 (Supermicro UPnP).</summary>
    public IReadOnlyList<ServicePort> Ports { get; } =
        [new(IpProtocol.Tcp, 80), new(IpProtocol.Tcp, 8080), new(IpProtocol.Tcp, SupermicroUpnpPort)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        if (packet.Protocol != IpProtocol.Tcp)
        {
            return false;
        }

        var p = packet.Payload;
        var end = p.IndexOf((byte)'\n');
        if (end < 0)
        {
            return false;
        }

        var line = p[..end];
        if (!packet.FromOriginator)
        {
            // "HTTP/1.1 200 …"
            return line.Length >= 12 && line.StartsWith("HTTP/1."u8) && line[8] == ' ' &&
                   line[9] is >= (byte)'1' and <= (byte)'5' && line[10] is >= (byte)'0' and <= (byte)'9' && line[11] is >= (byte)'0' and <= (byte)'9';
        }

        // A known method, a target starting with '/', '*' or an absolute URI, and an HTTP/1.x version.
        var space = line.IndexOf((byte)' ');
        if (space <= 0 || space + 1 >= line.Length || !IsKnownMethod(line[..space]) || line[space + 1] is not ((byte)'/' or (byte)'*' or (byte)'h'))
        {
            return false;
        }

        var version = line.TrimEnd((byte)'\r');
        return version.Length > 9 && version[^9..].StartsWith(" HTTP/1."u8);
    }

    private static bool IsKnownMethod(ReadOnlySpan<byte> m) =>
        m.SequenceEqual("GET"u8) || m.SequenceEqual("POST"u8) || m.SequenceEqual("HEAD"u8) || m.SequenceEqual("PUT"u8) ||
        m.SequenceEqual("DELETE"u8) || m.SequenceEqual("OPTIONS"u8) || m.SequenceEqual("PATCH"u8) || m.SequenceEqual("TRACE"u8) ||
        m.SequenceEqual("CONNECT"u8) || m.SequenceEqual("SUBSCRIBE"u8) || m.SequenceEqual("UNSUBSCRIBE"u8) || m.SequenceEqual("NOTIFY"u8) ||
        m.SequenceEqual("PROPFIND"u8);

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Get(packet.Flow);
        var side = packet.FromOriginator ? state.Client : state.Server;
        if (side.Stream.Offer(packet, _pool, buffered: true, out var data, out var inPlace))
        {
            var consumed = packet.FromOriginator ? ReadRequests(data, state, packet, context, out var skip)
                                                 : ReadResponses(data, state, packet, context, out skip);
            side.Done = side.Stream.Settle(side.Done, inPlace, consumed, _pool, skip);
        }

        if (state.Client.Stream.Finished && state.Server.Stream.Finished)
        {
            context.StopInspecting(packet);
        }
    }

    /// <summary>Reads the complete requests in <paramref name="data"/>; returns bytes used and the body bytes still to pass over.</summary>
    private int ReadRequests(ReadOnlySpan<byte> data, State state, scoped in AnalyzerPacket packet, AnalyzerContext context, out long skip)
    {
        var side = state.Client;
        var used = 0;
        skip = 0;
        while (!side.Done && used < data.Length)
        {
            // RFC 9112 §2.2: a server should ignore empty lines before a request-line (clients send a stray
            // CRLF after a POST body).
            if (data[used] is (byte)'\r' or (byte)'\n')
            {
                used++;
                continue;
            }

            var m = default(HttpMessage);
            var result = m.Read(data[used..], request: true);
            if (result == HttpRead.NeedMore)
            {
                break;
            }

            if (result != HttpRead.Complete)
            {
                Violation(result, side, state, packet, context, "HTTP_BAD_REQUEST_LINE");
                break;
            }

            context.Confirm(packet);
            state.Confirmed = true;
            OnRequest(ref m, state, packet, context);
            if (m.TooManyFields)
            {
                context.Anomaly(Name, "HTTP_TOO_MANY_HEADERS", packet);
            }

            used += m.HeaderLength;
            if (++side.Messages >= MaxMessages)
            {
                side.Done = true;
                break;
            }

            // Request bodies (RFC 9112 §6.3): Content-Length, else none; chunked bodies are not followed.
            if (m.Chunked || m.ContentLength < -1)
            {
                side.Done = true;
                break;
            }

            if (m.ContentLength > 0)
            {
                var inBuffer = (int)Math.Min(m.ContentLength, data.Length - used);
                used += inBuffer;
                skip = m.ContentLength - inBuffer;
                if (skip > 0)
                {
                    break;
                }
            }
        }

        return used;
    }

    private int ReadResponses(ReadOnlySpan<byte> data, State state, scoped in AnalyzerPacket packet, AnalyzerContext context, out long skip)
    {
        var side = state.Server;
        var used = 0;
        skip = 0;
        while (!side.Done && used < data.Length)
        {
            var m = default(HttpMessage);
            var result = m.Read(data[used..], request: false);
            if (result == HttpRead.NeedMore)
            {
                break;
            }

            if (result != HttpRead.Complete)
            {
                Violation(result, side, state, packet, context, "HTTP_BAD_STATUS_LINE");
                break;
            }

            context.Confirm(packet);
            state.Confirmed = true;
            var index = side.Messages++;
            if (state.Statuses.Count < MaxStatuses)
            {
                state.Statuses.Add(m.Status);
            }

            if (state.ServerName is null && !m.Server.IsEmpty)
            {
                state.ServerName = WireText.Escape(m.Server, MaxValue);
            }

            used += m.HeaderLength;
            if (side.Messages >= MaxMessages)
            {
                side.Done = true;
                break;
            }

            // Response bodies (RFC 9112 §6.3): none after HEAD, 1xx, 204 and 304; else Content-Length;
            // chunked or close-delimited bodies end what can be followed.
            var headRequest = index < State.MaxHeadFlags && (state.HeadRequests & (1u << index)) != 0;
            if (headRequest || m.Status is < 200 or 204 or 304)
            {
                continue;
            }

            if (m.Chunked || m.ContentLength < 0)
            {
                side.Done = true;
                break;
            }

            var inBuffer = (int)Math.Min(m.ContentLength, data.Length - used);
            used += inBuffer;
            skip = m.ContentLength - inBuffer;
            if (skip > 0)
            {
                break;
            }
        }

        return used;
    }

    private void Violation(HttpRead result, MessageDirection side, State state, scoped in AnalyzerPacket packet, AnalyzerContext context, string badLine)
    {
        side.Done = true;

        // Bytes that never looked like HTTP (a capture that began mid-body, TLS on port 80) are not a violation;
        // broken grammar after a good message, or in a start line that began like one, is.
        if (result == HttpRead.TooLong)
        {
            context.Anomaly(Name, "HTTP_HEADER_TOO_LONG", packet);
        }
        else if (result == HttpRead.Invalid || (result == HttpRead.NotHttp && state.Confirmed))
        {
            context.Anomaly(Name, badLine, packet);
        }
    }

    private void OnRequest(ref HttpMessage m, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var index = state.Client.Messages;
        if (index < State.MaxHeadFlags && m.Method.SequenceEqual("HEAD"u8))
        {
            state.HeadRequests |= 1u << index;
        }

        var path = RedfishRequest.WithoutUserNames(PathOf(m.Target), context.Fingerprints);
        if (state.Method is null)
        {
            state.Method = WireText.Escape(m.Method, 32);
            state.Uri = WireText.Escape(path, MaxValue);
            state.Host = m.Host.IsEmpty ? null : WireText.Escape(m.Host, MaxValue);
            state.UserAgent = m.UserAgent.IsEmpty ? null : WireText.Escape(m.UserAgent, MaxValue);
        }

        state.Requests++;
        if (RedfishRequest.IsApi(path))
        {
            state.Redfish = true;
            if (RedfishRequest.Exposure(m.Method, path, m.SessionToken) is { } exposure)
            {
                var consequence = exposure == "login" ? "the password in its body is readable on the wire"
                    : "its session token is readable on the wire, and whoever copies it is logged in as its user";
                context.Alert(Signatures.RedfishInClear, packet,
                    $"{packet.Originator} sent a Redfish {exposure.Replace('_', ' ')} ({WireText.Escape(m.Method, 32)} {WireText.Escape(path, MaxValue)}) to {packet.Responder}:{packet.ResponderPort} over cleartext HTTP: {consequence}",
                    [new("http.method", WireText.Escape(m.Method, 32)), new("http.uri", WireText.Escape(path, MaxValue)), new("redfish.exposure", exposure)]);
            }
        }

        if (IsIloConnectionOverflow(m.Connection))
        {
            context.Alert(Signatures.IloAuthenticationBypass, packet,
                $"{packet.Originator} sent a {m.Connection.Length}-character Connection header to {packet.Responder}:{packet.ResponderPort} ({WireText.Escape(m.Method, 32)} {WireText.Escape(path, MaxValue)}): " +
                "HPE iLO 4 before 2.53 skips authentication when this header holds 29 characters or more (CVE-2017-12542), the first step of creating an administrator account",
                [new("http.method", WireText.Escape(m.Method, 32)), new("http.uri", WireText.Escape(path, MaxValue)), new("http.connection_length", m.Connection.Length.ToString(CultureInfo.InvariantCulture))]);
        }

        if (packet.ResponderPort == SupermicroUpnpPort && Ascii.EqualsIgnoreCase(path, "/PSBlock"u8))
        {
            context.Alert(Signatures.SupermicroPasswordFile, packet,
                $"{packet.Originator} requested /PSBlock from {packet.Responder} on TCP {SupermicroUpnpPort}: the Supermicro X9 UPnP service answers it with the BMC's passwords in clear",
                [new("http.method", WireText.Escape(m.Method, 32)), new("http.uri", WireText.Escape(path, MaxValue))]);
        }

        if (!m.Authorization.IsEmpty)
        {
            Credentials(m.Authorization, "Authorization", path, ref m, state, packet, context);
        }

        if (!m.ProxyAuthorization.IsEmpty)
        {
            Credentials(m.ProxyAuthorization, "Proxy-Authorization", path, ref m, state, packet, context);
        }
    }

    /// <summary>
    /// An Authorization header: for the Basic scheme (RFC 7617) the token is base64 of "user-id:password",
    /// split at the first colon (§2: the user-id cannot hold one, the password can). Only the user name's
    /// keyed fingerprint and both lengths leave this method.
    /// </summary>
    private void Credentials(ReadOnlySpan<byte> value, string header, ReadOnlySpan<byte> path, ref HttpMessage m, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var space = value.IndexOf((byte)' ');
        var scheme = space < 0 ? value : value[..space];
        if (!Ascii.EqualsIgnoreCase(scheme, "Basic"u8))
        {
            state.AuthScheme ??= WireText.Escape(scheme, 32);
            return;
        }

        state.AuthScheme ??= "Basic";
        var token = space < 0 ? default : value[(space + 1)..].Trim(" \t"u8);
        if (token.IsEmpty || token.Length > MaxBasicToken)
        {
            context.Anomaly(Name, "HTTP_BAD_BASIC_AUTH", packet);
            return;
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(token.Length));
        try
        {
            if (Base64.DecodeFromUtf8(token, decoded, out _, out var written) != OperationStatus.Done)
            {
                context.Anomaly(Name, "HTTP_BAD_BASIC_AUTH", packet);
                return;
            }

            var credential = decoded.AsSpan(0, written);
            var colon = credential.IndexOf((byte)':');
            if (colon < 0)
            {
                // Not "user:password" (RFC 7617 §2), yet a secret in clear all the same.
                context.Anomaly(Name, "HTTP_BAD_BASIC_AUTH", packet);
            }

            var user = colon < 0 ? credential : credential[..colon];
            var userFingerprint = context.Fingerprints.Fingerprint(user);
            var userLength = Encoding.UTF8.GetCharCount(user).ToString(CultureInfo.InvariantCulture);
            var passwordChars = colon < 0 ? "0" : Encoding.UTF8.GetCharCount(credential[(colon + 1)..]).ToString(CultureInfo.InvariantCulture);
            state.BasicUser ??= userFingerprint;
            var evidence = new List<KeyValuePair<string, string>>
            {
                new("http.header", header),
                new("http.user", userFingerprint),
                new("http.user_length", userLength),
                new("http.password_length", passwordChars),
                new("http.uri", WireText.Escape(path, MaxValue)),
            };
            if (!m.Host.IsEmpty)
            {
                evidence.Add(new("http.host", WireText.Escape(m.Host, MaxValue)));
            }

            context.Alert(Signatures.HttpBasicCredentialsInClear, packet,
                $"{packet.Originator} sent HTTP Basic credentials in clear to {packet.Responder}:{packet.ResponderPort} " +
                $"(user {userFingerprint}, {userLength}-character user name, {passwordChars}-character password): anyone on the path can read them",
                evidence, incidentKey: context.Fingerprints.Fingerprint(credential));
        }
        finally
        {
            Array.Clear(decoded);
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>
    /// The CVE-2017-12542 request: a Connection header of 29 characters or more that is one token (the public
    /// exploits send 29 'A's). Real values are a few short options ("keep-alive", "Upgrade, HTTP2-Settings").
    /// </summary>
    private static bool IsIloConnectionOverflow(ReadOnlySpan<byte> connection) =>
        connection.Length >= IloConnectionOverflow && connection.IndexOfAny((byte)',', (byte)' ', (byte)'\t') < 0;

    /// <summary>The request target without query string or fragment (they may carry tokens or passwords).</summary>
    private static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> target)
    {
        var cut = target.IndexOfAny((byte)'?', (byte)'#');
        return cut < 0 ? target : target[..cut];
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

        fields.AddIfSet("http.method", state.Method);
        fields.AddIfSet("http.uri", state.Uri);
        fields.AddIfSet("http.host", state.Host);
        fields.AddIfSet("http.user_agent", state.UserAgent);
        if (state.Statuses.Count > 0)
        {
            fields.Add(new("http.status", string.Join(',', state.Statuses)));
        }

        fields.AddIfSet("http.server", state.ServerName);
        if (state.Requests > 0)
        {
            fields.Add(new("http.requests", state.Requests.ToString(CultureInfo.InvariantCulture)));
        }

        fields.AddIfSet("http.auth_scheme", state.AuthScheme);
        fields.AddIfSet("http.user", state.BasicUser);
        if (state.Redfish)
        {
            fields.Add(new("http.redfish", "true"));
        }

        if (final)
        {
            state.Client.Stream.Reset(_pool);
            state.Server.Stream.Reset(_pool);
            _states.Release(flow);
        }
    }

    private sealed class State : IResettable
    {
        /// <summary>HEAD requests are remembered for the first 32 requests (bits of <see cref="HeadRequests"/>).</summary>
        public const int MaxHeadFlags = 32;

        public MessageDirection Client { get; } = new();

        public MessageDirection Server { get; } = new();

        public bool Confirmed { get; set; }

        public uint HeadRequests { get; set; }

        public string? Method { get; set; }

        public string? Uri { get; set; }

        public string? Host { get; set; }

        public string? UserAgent { get; set; }

        public string? ServerName { get; set; }

        public string? AuthScheme { get; set; }

        public string? BasicUser { get; set; }

        public List<int> Statuses { get; } = [];

        public int Requests { get; set; }

        public bool Redfish { get; set; }

        public void Reset()
        {
            Client.Clear();
            Server.Clear();
            Confirmed = false;
            HeadRequests = 0;
            Method = Uri = Host = UserAgent = ServerName = AuthScheme = BasicUser = null;
            Statuses.Clear();
            Requests = 0;
            Redfish = false;
        }
    }
}
