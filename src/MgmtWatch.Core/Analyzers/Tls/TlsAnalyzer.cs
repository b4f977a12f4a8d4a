using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>
/// TLS handshakes (RFC 5246, RFC 8446): Redfish, the web UI and HTML5 consoles of every BMC. From the
/// ClientHello: server name, ALPN, JA3 and JA4; from the ServerHello: negotiated version and cipher, JA3S;
/// from the server's certificate (TLS 1.2 and older send it in clear): subject, issuer, serial, validity
/// and fingerprint (<see cref="ServerCertificate"/>); a server's alert in place of a ServerHello is recorded
/// too. Once both sides' handshake messages are read the flow is no longer inspected: the encrypted session
/// (megabytes for a console) costs nothing per packet.
/// </summary>
public sealed class TlsAnalyzer : IProtocolAnalyzer
{
    /// <summary>
    /// Handshakes spanning segments at once. Each lent buffer holds one direction's hello (up to
    /// <see cref="TlsRecords.MaxHandshakeLength"/> plus record headers); most hellos fit one segment and
    /// borrow nothing, so 1,024 covers far more concurrent split handshakes than a BMC network makes, and
    /// bounds a flood of half-sent hellos to 17 MiB.
    /// </summary>
    private const int MaxBuffers = 1024;

    /// <summary>A hello of 16 KiB in records of any size: 16 KiB of message plus one record header per 512 bytes is ample.</summary>
    private const int BufferCapacity = TlsRecords.MaxHandshakeLength + 1024;

    private const byte ClientHelloType = 1;
    private const byte ServerHelloType = 2;

    /// <summary>TLS 1.3 (RFC 8446) and later encrypt the certificate.</summary>
    private const ushort TlsVersion13 = 0x0304;

    private readonly FlowStates<State> _states = new();
    private readonly StreamBufferPool _pool = new(BufferCapacity, MaxBuffers);
    private readonly byte[] _scratch = new byte[TlsRecords.MaxHandshakeLength];
    private readonly ClientHello _clientHello = new();
    private readonly ServerHello _serverHello = new();

    /// <inheritdoc/>
    public string Name => "tls";

    /// <summary>
    /// HTTPS (443: Redfish, web UI, HTML5 KVM), 8443 (alternate HTTPS on iLO/iDRAC/XCC and many appliances)
    /// and 5989 (WBEM CIM-XML over HTTPS, DMTF DSP0200, still enabled on older BMCs).
    /// </summary>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Tcp, 443), new(IpProtocol.Tcp, 8443), new(IpProtocol.Tcp, 5989)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        // A handshake record (type 22, version 3.0–3.4, sane length) whose first message is a ClientHello
        // from the originator, or a ServerHello from the responder, with a 3.x hello version.
        var p = packet.Payload;
        if (packet.Protocol != IpProtocol.Tcp || p.Length < 11 || p[0] != TlsRecords.ContentHandshake || p[1] != 3 || p[2] > 4)
        {
            return false;
        }

        var length = (p[3] << 8) | p[4];
        var handshakeLength = (p[6] << 16) | (p[7] << 8) | p[8];
        return length is >= 38 and <= TlsRecords.MaxRecordLength &&
               p[5] == (packet.FromOriginator ? ClientHelloType : ServerHelloType) &&
               handshakeLength is >= 38 and <= TlsRecords.MaxHandshakeLength &&
               p[9] == 3 && p[10] <= 4;
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _states.Get(packet.Flow);
        var stream = packet.FromOriginator ? state.Client : state.Server;
        if (stream.Offer(packet, _pool, buffered: false, out var data, out var inPlace))
        {
            var result = packet.FromOriginator ? ReadClient(data, state, packet, context) : ReadServer(data, state, packet, context);
            if (result != HandshakeRead.NeedMore)
            {
                stream.Finish(_pool);
            }
            else if (inPlace ? !stream.Hold(packet, _pool) : stream.Stalled)
            {
                // The rest of the hello will never be seen in order (gap, snap length, no buffer to spare).
                stream.Finish(_pool);
            }
        }

        if (state.Client.Finished && state.Server.Finished)
        {
            context.StopInspecting(packet);
        }
    }

    private HandshakeRead ReadClient(ReadOnlySpan<byte> data, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var result = TlsRecords.ReadFirstHandshake(data, _scratch, out var message);
        switch (result)
        {
            case HandshakeRead.Complete when message[0] == ClientHelloType:
                if (!_clientHello.Parse(message[TlsRecords.HandshakeHeaderLength..]))
                {
                    context.Anomaly(Name, "TLS_MALFORMED_CLIENT_HELLO", packet);
                    break;
                }

                if (_clientHello.MalformedExtension)
                {
                    context.Anomaly(Name, "TLS_MALFORMED_EXTENSION", packet);
                }

                context.Confirm(packet);
                state.ServerName = _clientHello.ServerName;
                state.Alpn = _clientHello.Alpn.Count > 0 ? string.Join(',', _clientHello.Alpn) : null;
                state.Ja3 = Ja3.Hash(Ja3.ClientString(_clientHello));
                state.Ja4 = Ja4.Compute(_clientHello);
                break;
            case HandshakeRead.Complete:
                context.Anomaly(Name, "TLS_UNEXPECTED_HANDSHAKE", packet);
                break;
            case HandshakeRead.Invalid:
                context.Anomaly(Name, "TLS_INVALID_RECORD", packet);
                break;
            case HandshakeRead.TooLarge:
                context.Anomaly(Name, "TLS_HELLO_TOO_LARGE", packet);
                break;
        }

        return result;
    }

    private HandshakeRead ReadServer(ReadOnlySpan<byte> data, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var result = TlsRecords.ReadFirstHandshake(data, _scratch, out var message);
        switch (result)
        {
            case HandshakeRead.Complete when message[0] == ServerHelloType:
                if (!_serverHello.Parse(message[TlsRecords.HandshakeHeaderLength..]))
                {
                    context.Anomaly(Name, "TLS_MALFORMED_SERVER_HELLO", packet);
                    break;
                }

                context.Confirm(packet);
                state.Version = TlsNames.Version(_serverHello.NegotiatedVersion);
                state.Cipher = TlsNames.Cipher(_serverHello.Cipher);
                state.ServerAlpn = _serverHello.Alpn;
                state.Ja3s = Ja3.Hash(Ja3.ServerString(_serverHello));
                state.HelloRetry = _serverHello.HelloRetryRequest;
                if (_serverHello.NegotiatedVersion < TlsVersion13)
                {
                    // The hello is parsed again with each segment until the certificate is all there (a few segments).
                    return ReadCertificate(data, state, packet, context);
                }

                break;
            case HandshakeRead.Alert:
                // A server answering the ClientHello with a fatal alert (protocol_version, handshake_failure):
                // a BMC refusing an old client, or a scanner's probe.
                if (state.Ja3 is not null)
                {
                    context.Confirm(packet);
                }

                state.Alert = TlsNames.Alert(message[1]);
                break;
            case HandshakeRead.Complete:
                context.Anomaly(Name, "TLS_UNEXPECTED_HANDSHAKE", packet);
                break;
            case HandshakeRead.Invalid:
                context.Anomaly(Name, "TLS_INVALID_RECORD", packet);
                break;
            case HandshakeRead.TooLarge:
                context.Anomaly(Name, "TLS_HELLO_TOO_LARGE", packet);
                break;
        }

        return result;
    }

    /// <summary>The server's certificate after its hello: <see cref="HandshakeRead.NeedMore"/> until it is all there.</summary>
    private HandshakeRead ReadCertificate(ReadOnlySpan<byte> data, State state, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        // The hello may have been read from _scratch; it is parsed into _serverHello already, so _scratch is free.
        var handshakes = TlsRecords.HandshakeLayer(data, _scratch, out var final);
        switch (ServerCertificate.FindLeaf(handshakes, out var der))
        {
            case CertificateSearch.Found:
                state.Certificate = ServerCertificate.Parse(der);
                if (state.Certificate is null)
                {
                    context.Anomaly(Name, "TLS_MALFORMED_CERTIFICATE", packet);
                }

                break;
            case CertificateSearch.NeedMore when !final:
                return HandshakeRead.NeedMore;
            case CertificateSearch.Malformed:
                context.Anomaly(Name, "TLS_MALFORMED_CERTIFICATE", packet);
                break;
        }

        return HandshakeRead.Complete;
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

        fields.AddIfSet("tls.version", state.Version);
        fields.AddIfSet("tls.cipher", state.Cipher);
        fields.AddIfSet("tls.sni", state.ServerName);
        fields.AddIfSet("tls.alpn", state.Alpn);
        fields.AddIfSet("tls.server_alpn", state.ServerAlpn);
        fields.AddIfSet("tls.ja3", state.Ja3);
        fields.AddIfSet("tls.ja3s", state.Ja3s);
        fields.AddIfSet("tls.ja4", state.Ja4);
        if (state.Certificate is { } certificate)
        {
            // Suricata's names for these (EVE tls.subject, tls.issuerdn, ...).
            fields.AddIfSet("tls.subject", certificate.Subject);
            fields.AddIfSet("tls.issuerdn", certificate.Issuer);
            fields.AddIfSet("tls.serial", certificate.Serial);
            fields.AddIfSet("tls.fingerprint", certificate.Fingerprint);
            fields.AddIfSet("tls.notbefore", certificate.NotBefore);
            fields.AddIfSet("tls.notafter", certificate.NotAfter);
        }

        fields.AddIfSet("tls.alert", state.Alert);
        if (state.HelloRetry)
        {
            fields.Add(new("tls.hello_retry", "true"));
        }

        if (final)
        {
            state.Client.Reset(_pool);
            state.Server.Reset(_pool);
            _states.Release(flow);
        }
    }

    private sealed class State : IResettable
    {
        public HandshakeStream Client { get; } = new();

        public HandshakeStream Server { get; } = new();

        public string? ServerName { get; set; }

        public string? Alpn { get; set; }

        public string? Ja3 { get; set; }

        public string? Ja4 { get; set; }

        public string? Version { get; set; }

        public string? Cipher { get; set; }

        public string? ServerAlpn { get; set; }

        public string? Ja3s { get; set; }

        public string? Alert { get; set; }

        public bool HelloRetry { get; set; }

        public ServerCertificate? Certificate { get; set; }

        public void Reset()
        {
            // The analyzer has already given the streams' buffers back (OnFlowEnd).
            ServerName = Alpn = Ja3 = Ja4 = Version = Cipher = ServerAlpn = Ja3s = Alert = null;
            HelloRetry = false;
            Certificate = null;
        }
    }
}
