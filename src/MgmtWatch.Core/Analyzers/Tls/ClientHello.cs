namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>
/// The fields of a ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) that fingerprints and the flow record
/// use, in wire order. One instance is reused for every hello the analyzer parses.
/// </summary>
internal sealed class ClientHello
{
    /// <summary>server_name (RFC 6066 §3).</summary>
    public const ushort ExtServerName = 0;

    /// <summary>supported_groups, formerly elliptic_curves (RFC 8422 §5.1.1).</summary>
    public const ushort ExtSupportedGroups = 10;

    /// <summary>ec_point_formats (RFC 8422 §5.1.2).</summary>
    public const ushort ExtPointFormats = 11;

    /// <summary>signature_algorithms (RFC 8446 §4.2.3).</summary>
    public const ushort ExtSignatureAlgorithms = 13;

    /// <summary>application_layer_protocol_negotiation (RFC 7301 §3.1).</summary>
    public const ushort ExtAlpn = 16;

    /// <summary>supported_versions (RFC 8446 §4.2.1).</summary>
    public const ushort ExtSupportedVersions = 43;

    /// <summary>Server names longer than a DNS name (RFC 1035 §2.3.4: 255 octets) are cut.</summary>
    private const int MaxServerName = 255;

    /// <summary>ALPN protocols kept (a client offers two or three).</summary>
    private const int MaxAlpn = 8;

    public ushort LegacyVersion { get; private set; }

    public List<ushort> Ciphers { get; } = [];

    public List<ushort> Extensions { get; } = [];

    public List<ushort> Groups { get; } = [];

    public List<byte> PointFormats { get; } = [];

    public List<ushort> SignatureAlgorithms { get; } = [];

    public List<ushort> SupportedVersions { get; } = [];

    public bool HasSupportedVersions { get; private set; }

    /// <summary>The host_name entry of server_name, escaped; null when absent.</summary>
    public string? ServerName { get; private set; }

    /// <summary>The offered ALPN protocols, escaped.</summary>
    public List<string> Alpn { get; } = [];

    /// <summary>JA4's two ALPN characters, from the raw bytes of the first protocol ("00" when none).</summary>
    public string Ja4Alpn { get; private set; } = "00";

    /// <summary>An extension's contents contradicted its own lengths (the hello as a whole was still readable).</summary>
    public bool MalformedExtension { get; private set; }

    /// <summary>Parses a ClientHello body (after the 4-byte handshake header); false when it is malformed.</summary>
    public bool Parse(ReadOnlySpan<byte> body)
    {
        Clear();
        var r = new ByteReader(body);
        if (!r.TryU16(out var version) || !r.TrySkip(32) || !r.TryU8(out var sessionIdLength) || sessionIdLength > 32 || !r.TrySkip(sessionIdLength))
        {
            return false;
        }

        LegacyVersion = version;

        // cipher_suites<2..2^16-2>: an even, non-zero length.
        if (!r.TryU16(out var cipherBytes) || cipherBytes == 0 || (cipherBytes & 1) != 0 || !r.TryBytes(cipherBytes, out var ciphers))
        {
            return false;
        }

        for (var i = 0; i < ciphers.Length; i += 2)
        {
            Ciphers.Add((ushort)((ciphers[i] << 8) | ciphers[i + 1]));
        }

        // legacy_compression_methods<1..2^8-1>.
        if (!r.TryU8(out var compressionLength) || compressionLength == 0 || !r.TrySkip(compressionLength))
        {
            return false;
        }

        // Extensions are optional before TLS 1.2 (RFC 5246 §7.4.1.2: "the presence of extensions can be
        // detected by determining whether there are bytes following the compression_methods").
        if (r.Remaining == 0)
        {
            return true;
        }

        if (!r.TryU16(out var extensionBytes) || !r.TryBytes(extensionBytes, out var extensions))
        {
            return false;
        }

        var e = new ByteReader(extensions);
        while (e.Remaining > 0)
        {
            if (!e.TryU16(out var type) || !e.TryU16(out var length) || !e.TryBytes(length, out var data))
            {
                return false;
            }

            Extensions.Add(type);
            if (!ParseExtension(type, data))
            {
                MalformedExtension = true;
            }
        }

        return true;
    }

    private bool ParseExtension(ushort type, ReadOnlySpan<byte> data)
    {
        var r = new ByteReader(data);
        switch (type)
        {
            case ExtServerName:
                {
                    // ServerNameList<1..2^16-1> of (NameType, opaque HostName<1..2^16-1>); host_name is type 0.
                    if (!r.TryU16(out var listLength) || !r.TryBytes(listLength, out var list))
                    {
                        return false;
                    }

                    var l = new ByteReader(list);
                    while (l.Remaining > 0)
                    {
                        if (!l.TryU8(out var nameType) || !l.TryU16(out var nameLength) || !l.TryBytes(nameLength, out var name))
                        {
                            return false;
                        }

                        if (nameType == 0 && ServerName is null)
                        {
                            ServerName = WireText.Escape(name, MaxServerName);
                        }
                    }

                    return true;
                }

            case ExtAlpn:
                {
                    // ProtocolNameList<2..2^16-1> of opaque ProtocolName<1..2^8-1>.
                    if (!r.TryU16(out var listLength) || !r.TryBytes(listLength, out var list))
                    {
                        return false;
                    }

                    var l = new ByteReader(list);
                    var first = true;
                    while (l.Remaining > 0)
                    {
                        if (!l.TryU8(out var nameLength) || !l.TryBytes(nameLength, out var name))
                        {
                            return false;
                        }

                        if (first)
                        {
                            Ja4Alpn = Ja4.AlpnCharacters(name);
                            first = false;
                        }

                        if (Alpn.Count < MaxAlpn)
                        {
                            Alpn.Add(WireText.Escape(name, 64));
                        }
                    }

                    return true;
                }

            case ExtSupportedGroups:
                return ReadU16List(ref r, 2, Groups);

            case ExtSignatureAlgorithms:
                return ReadU16List(ref r, 2, SignatureAlgorithms);

            case ExtSupportedVersions:
                HasSupportedVersions = true;
                return ReadU16List(ref r, 1, SupportedVersions);

            case ExtPointFormats:
                {
                    if (!r.TryU8(out var count) || !r.TryBytes(count, out var formats))
                    {
                        return false;
                    }

                    foreach (var f in formats)
                    {
                        PointFormats.Add(f);
                    }

                    return true;
                }

            default:
                return true;
        }
    }

    /// <summary>Reads a vector of 16-bit values whose byte length is a 1- or 2-byte prefix.</summary>
    private static bool ReadU16List(ref ByteReader r, int prefixBytes, List<ushort> into)
    {
        int length;
        if (prefixBytes == 1)
        {
            if (!r.TryU8(out var l8))
            {
                return false;
            }

            length = l8;
        }
        else
        {
            if (!r.TryU16(out var l16))
            {
                return false;
            }

            length = l16;
        }

        if ((length & 1) != 0 || !r.TryBytes(length, out var values))
        {
            return false;
        }

        for (var i = 0; i < values.Length; i += 2)
        {
            into.Add((ushort)((values[i] << 8) | values[i + 1]));
        }

        return true;
    }

    private void Clear()
    {
        LegacyVersion = 0;
        Ciphers.Clear();
        Extensions.Clear();
        Groups.Clear();
        PointFormats.Clear();
        SignatureAlgorithms.Clear();
        SupportedVersions.Clear();
        HasSupportedVersions = false;
        ServerName = null;
        Alpn.Clear();
        Ja4Alpn = "00";
        MalformedExtension = false;
    }
}
