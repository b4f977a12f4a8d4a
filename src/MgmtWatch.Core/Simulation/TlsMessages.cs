namespace MgmtWatch.Core.Simulation;

/// <summary>
/// TLS handshake records (RFC 5246 §7.4 for TLS 1.2, RFC 8446 §4 for TLS 1.3) with real framing: record
/// headers, handshake headers, extension lists. Keys, signatures and encrypted records are random bytes
/// of the right length.
/// </summary>
internal static class TlsMessages
{
    /// <summary>GREASE value (RFC 8701), the same one per hello as Chrome picks per connection.</summary>
    private static ushort Grease(Random r) => (ushort)((r.Next(16) << 12) | 0x0A0A | (r.Next(16) << 4));

    public static byte[] ClientHello(Random r, TlsClientProfile p, string? sni)
    {
        var w = new ByteWriter();
        w.U8(22).U16(0x0301);
        var record = w.BeginLength(2);
        w.U8(1);
        var hs = w.BeginLength(3);
        w.U16(0x0303).Random(r, 32);
        if (p.OffersTls13)
        {
            w.U8(32).Random(r, 32); // legacy session id for middlebox compatibility (RFC 8446 §D.4)
        }
        else
        {
            w.U8(0);
        }

        var suites = w.BeginLength(2);
        if (p.Grease)
        {
            w.U16(Grease(r));
        }

        foreach (var s in p.CipherSuites)
        {
            if (p.OffersTls13 || s < 0x1300 || s > 0x13FF)
            {
                w.U16(s);
            }
        }

        w.EndLength(suites);
        w.U8(1).U8(0); // compression: null
        var extensions = w.BeginLength(2);
        if (p.Grease)
        {
            w.U16(Grease(r)).U16(0);
        }

        if (p.SendsSni && sni is not null)
        {
            w.U16(0x0000);
            var e = w.BeginLength(2);
            var list = w.BeginLength(2);
            w.U8(0);
            var name = w.BeginLength(2);
            w.Ascii(sni);
            w.EndLength(name).EndLength(list).EndLength(e);
        }

        w.U16(0x0017).U16(0);                 // extended_master_secret
        w.U16(0xFF01).U16(1).U8(0);           // renegotiation_info
        w.U16(0x000A);                        // supported_groups: x25519, secp256r1, secp384r1
        var groups = w.BeginLength(2);
        var gl = w.BeginLength(2);
        if (p.Grease)
        {
            w.U16(Grease(r));
        }

        w.U16(0x001D).U16(0x0017).U16(0x0018);
        w.EndLength(gl).EndLength(groups);
        w.U16(0x000B).U16(2).U8(1).U8(0);     // ec_point_formats: uncompressed
        if (p.SessionTicket)
        {
            w.U16(0x0023).U16(0);
        }

        if (p.Alpn.Length > 0)
        {
            w.U16(0x0010);
            var e = w.BeginLength(2);
            var list = w.BeginLength(2);
            foreach (var proto in p.Alpn)
            {
                w.U8(proto.Length).Ascii(proto);
            }

            w.EndLength(list).EndLength(e);
        }

        if (p.StatusRequest)
        {
            w.U16(0x0005).U16(5).U8(1).U16(0).U16(0);
        }

        w.U16(0x000D);                        // signature_algorithms
        var sa = w.BeginLength(2);
        var sal = w.BeginLength(2);
        foreach (var alg in new ushort[] { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201 })
        {
            w.U16(alg);
        }

        w.EndLength(sal).EndLength(sa);
        if (p.OffersTls13)
        {
            w.U16(0x0033);                    // key_share: one x25519 share
            var ks = w.BeginLength(2);
            var ksl = w.BeginLength(2);
            w.U16(0x001D).U16(32).Random(r, 32);
            w.EndLength(ksl).EndLength(ks);
            w.U16(0x002D).U16(2).U8(1).U8(1); // psk_key_exchange_modes: psk_dhe_ke
            w.U16(0x002B);                    // supported_versions
            var sv = w.BeginLength(2);
            var svl = w.BeginLength(1);
            if (p.Grease)
            {
                w.U16(Grease(r));
            }

            w.U16(0x0304).U16(0x0303);
            w.EndLength(svl).EndLength(sv);
        }

        if (p.Grease)
        {
            w.U16(Grease(r)).U16(1).U8(0);
        }

        w.EndLength(extensions).EndLength(hs).EndLength(record);
        return w.ToArray();
    }

    /// <summary>TLS 1.2 server flight: ServerHello, Certificate, ServerKeyExchange (ECDHE x25519, RSA signature), ServerHelloDone.</summary>
    public static byte[] ServerFlight12(Random r, ushort cipher, bool alpnHttp11, byte[] certificate)
    {
        var w = new ByteWriter();
        w.U8(22).U16(0x0303);
        var record = w.BeginLength(2);

        w.U8(2);
        var sh = w.BeginLength(3);
        w.U16(0x0303).Random(r, 32).U8(32).Random(r, 32).U16(cipher).U8(0);
        var ext = w.BeginLength(2);
        w.U16(0xFF01).U16(1).U8(0);
        w.U16(0x000B).U16(2).U8(1).U8(0);
        w.U16(0x0017).U16(0);
        if (alpnHttp11)
        {
            w.U16(0x0010).U16(11).U16(9).U8(8).Ascii("http/1.1");
        }

        w.EndLength(ext).EndLength(sh);

        w.U8(11);
        var cert = w.BeginLength(3);
        var list = w.BeginLength(3);
        w.U24(certificate.Length).Bytes(certificate);
        w.EndLength(list).EndLength(cert);

        w.U8(12);
        var ske = w.BeginLength(3);
        w.U8(3).U16(0x001D).U8(32).Random(r, 32).U16(0x0401).U16(256).Random(r, 256);
        w.EndLength(ske);

        w.U8(14).U24(0);
        w.EndLength(record);
        return w.ToArray();
    }

    /// <summary>TLS 1.2 client second flight: ClientKeyExchange, ChangeCipherSpec, encrypted Finished (AES-GCM: 40 bytes).</summary>
    public static byte[] ClientFinish12(Random r)
    {
        var w = new ByteWriter();
        w.U8(22).U16(0x0303).U16(4 + 33).U8(16).U24(33).U8(32).Random(r, 32);
        w.U8(20).U16(0x0303).U16(1).U8(1);
        w.U8(22).U16(0x0303).U16(40).Random(r, 40);
        return w.ToArray();
    }

    /// <summary>TLS 1.2 server finish: [NewSessionTicket], ChangeCipherSpec, encrypted Finished.</summary>
    public static byte[] ServerFinish12(Random r, bool ticket)
    {
        var w = new ByteWriter();
        if (ticket)
        {
            w.U8(22).U16(0x0303);
            var rec = w.BeginLength(2);
            w.U8(4);
            var h = w.BeginLength(3);
            w.U32(7200).U16(192).Random(r, 192);
            w.EndLength(h).EndLength(rec);
        }

        w.U8(20).U16(0x0303).U16(1).U8(1);
        w.U8(22).U16(0x0303).U16(40).Random(r, 40);
        return w.ToArray();
    }

    /// <summary>
    /// TLS 1.3 server flight: ServerHello (supported_versions 0x0304, x25519 key share), the compatibility
    /// ChangeCipherSpec, then EncryptedExtensions/Certificate/CertificateVerify/Finished as encrypted records.
    /// </summary>
    public static byte[] ServerFlight13(Random r, ushort cipher, int certificateLength)
    {
        var w = new ByteWriter();
        w.U8(22).U16(0x0303);
        var record = w.BeginLength(2);
        w.U8(2);
        var sh = w.BeginLength(3);
        w.U16(0x0303).Random(r, 32).U8(32).Random(r, 32).U16(cipher).U8(0);
        var ext = w.BeginLength(2);
        w.U16(0x002B).U16(2).U16(0x0304);
        w.U16(0x0033).U16(36).U16(0x001D).U16(32).Random(r, 32);
        w.EndLength(ext).EndLength(sh).EndLength(record);
        w.U8(20).U16(0x0303).U16(1).U8(1);

        // EncryptedExtensions (~20), Certificate (cert + 13), CertificateVerify (~264), Finished (36), + type byte and tag.
        var inner = 20 + certificateLength + 13 + 264 + 36;
        w.U8(23).U16(0x0303).U16(inner + 17).Random(r, inner + 17);
        return w.ToArray();
    }

    /// <summary>TLS 1.3 client finish: ChangeCipherSpec and the encrypted Finished.</summary>
    public static byte[] ClientFinish13(Random r, ushort cipher)
    {
        var finished = cipher == 0x1302 ? 48 + 4 + 1 + 16 : 32 + 4 + 1 + 16;
        var w = new ByteWriter();
        w.U8(20).U16(0x0303).U16(1).U8(1);
        w.U8(23).U16(0x0303).U16(finished).Random(r, finished);
        return w.ToArray();
    }

    /// <summary>An encrypted alert record (close_notify): 26 bytes under TLS 1.2 AES-GCM, 19 as a TLS 1.3 record.</summary>
    public static byte[] CloseNotify(Random r, bool tls13)
    {
        var w = new ByteWriter();
        if (tls13)
        {
            w.U8(23).U16(0x0303).U16(19).Random(r, 19);
        }
        else
        {
            w.U8(21).U16(0x0303).U16(26).Random(r, 26);
        }

        return w.ToArray();
    }
}
