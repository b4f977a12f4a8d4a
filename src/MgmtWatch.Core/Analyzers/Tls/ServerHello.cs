namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>The fields of a ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3) that the flow record and JA3S use.</summary>
internal sealed class ServerHello
{
    /// <summary>
    /// The random value that marks a HelloRetryRequest (RFC 8446 §4.1.3): SHA-256 of "HelloRetryRequest".
    /// </summary>
    private static ReadOnlySpan<byte> HelloRetryRandom =>
    [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ];

    public ushort LegacyVersion { get; private set; }

    public ushort Cipher { get; private set; }

    public List<ushort> Extensions { get; } = [];

    /// <summary>supported_versions' selected_version (TLS 1.3), 0 when absent.</summary>
    public ushort SelectedVersion { get; private set; }

    /// <summary>The ALPN protocol the server chose (visible before TLS 1.3), escaped.</summary>
    public string? Alpn { get; private set; }

    public bool HelloRetryRequest { get; private set; }

    /// <summary>The version in force: supported_versions when present (TLS 1.3), else the legacy field.</summary>
    public ushort NegotiatedVersion => SelectedVersion != 0 ? SelectedVersion : LegacyVersion;

    /// <summary>Parses a ServerHello body (after the handshake header); false when it is malformed.</summary>
    public bool Parse(ReadOnlySpan<byte> body)
    {
        Extensions.Clear();
        SelectedVersion = 0;
        Alpn = null;
        var r = new ByteReader(body);
        if (!r.TryU16(out var version) || !r.TryBytes(32, out var random) || !r.TryU8(out var sessionIdLength) || sessionIdLength > 32 ||
            !r.TrySkip(sessionIdLength) || !r.TryU16(out var cipher) || !r.TryU8(out _))
        {
            return false;
        }

        LegacyVersion = version;
        Cipher = cipher;
        HelloRetryRequest = random.SequenceEqual(HelloRetryRandom);
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
            var x = new ByteReader(data);
            if (type == ClientHello.ExtSupportedVersions && x.TryU16(out var selected))
            {
                SelectedVersion = selected;
            }
            else if (type == ClientHello.ExtAlpn && x.TryU16(out _) && x.TryU8(out var nameLength) && x.TryBytes(nameLength, out var name))
            {
                Alpn = WireText.Escape(name, 64);
            }
        }

        return true;
    }
}
