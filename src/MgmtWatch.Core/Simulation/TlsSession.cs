namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A TLS connection over a <see cref="TcpConnection"/>: the handshake the client profile and the server
/// negotiate (TLS 1.3 when both speak it), then request/response exchanges as application-data records.
/// </summary>
internal sealed class TlsSession(TcpConnection tcp)
{
    public TcpConnection Tcp => tcp;

    public bool Tls13 { get; private set; }

    /// <summary>The time of the last frame produced.</summary>
    public long Now => tcp.Now;

    private long _salt;

    /// <summary>
    /// ClientHello and the rest of the handshake. <paramref name="serverWork"/> is the server's time to
    /// answer the ClientHello (an RSA signature on a BMC's slow CPU takes tens of milliseconds).
    /// </summary>
    public IEnumerable<long> Handshake(Wire w, Random r, TlsClientProfile profile, string? sni, byte[] certificate, ushort serverMaxVersion, long t, long serverWork)
    {
        _salt = r.NextInt64();
        Tls13 = profile.OffersTls13 && serverMaxVersion >= 0x0304;
        var hello = TlsMessages.ClientHello(r, profile, sni);
        ushort cipher = Tls13 ? (ushort)0x1302 : (ushort)0xC02F;
        foreach (var x in tcp.Send(w, r, true, ByteSource.Of(hello), t))
        {
            yield return x;
        }

        var at = tcp.Now + (2 * tcp.OneWay) + serverWork;
        if (Tls13)
        {
            foreach (var x in tcp.Send(w, r, false, ByteSource.Of(TlsMessages.ServerFlight13(r, cipher, certificate.Length)), at))
            {
                yield return x;
            }

            foreach (var x in tcp.Send(w, r, true, ByteSource.Of(TlsMessages.ClientFinish13(r, cipher)), tcp.Now + (2 * tcp.OneWay) + r.Micros(500, 3_000)))
            {
                yield return x;
            }

            yield break;
        }

        foreach (var x in tcp.Send(w, r, false, ByteSource.Of(TlsMessages.ServerFlight12(r, cipher, Array.IndexOf(profile.Alpn, "http/1.1") >= 0, certificate)), at))
        {
            yield return x;
        }

        foreach (var x in tcp.Send(w, r, true, ByteSource.Of(TlsMessages.ClientFinish12(r)), tcp.Now + (2 * tcp.OneWay) + r.Micros(500, 3_000)))
        {
            yield return x;
        }

        foreach (var x in tcp.Send(w, r, false, ByteSource.Of(TlsMessages.ServerFinish12(r, profile.SessionTicket)), tcp.Now + (2 * tcp.OneWay) + (serverWork / 4)))
        {
            yield return x;
        }
    }

    /// <summary>One request of <paramref name="request"/> plaintext bytes and its response of <paramref name="response"/> bytes.</summary>
    public IEnumerable<long> Exchange(Wire w, Random r, long request, long response, long t, long think, double rate = 0)
    {
        _salt += 7_919;
        return tcp.Exchange(w, r, new TlsRecordStream(request, Tls13, _salt), new TlsRecordStream(response, Tls13, _salt + 104_729), t, think, rate);
    }

    /// <summary>Application data in one direction only (an upload or a stream).</summary>
    public IEnumerable<long> Send(Wire w, Random r, bool fromClient, long plaintext, long t, double rate = 0)
    {
        _salt += 7_919;
        return tcp.Send(w, r, fromClient, new TlsRecordStream(plaintext, Tls13, _salt), t, rate);
    }

    /// <summary>close_notify from the client, then the TCP close.</summary>
    public IEnumerable<long> Close(Wire w, Random r, long t)
    {
        foreach (var x in tcp.Send(w, r, true, ByteSource.Of(TlsMessages.CloseNotify(r, Tls13)), t))
        {
            yield return x;
        }

        foreach (var x in tcp.Close(w, r, tcp.Now + r.Micros(50, 500)))
        {
            yield return x;
        }
    }
}
