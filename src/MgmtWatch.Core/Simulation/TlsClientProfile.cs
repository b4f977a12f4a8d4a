namespace MgmtWatch.Core.Simulation;

/// <summary>
/// How a TLS client's ClientHello looks (cipher suites, extensions, groups, ALPN): a browser on a jump
/// host, a Python or Go Redfish tool, the Java console client, an implant's minimal library. The same
/// software always sends the same shape, which is what JA3/JA4 fingerprints capture.
/// </summary>
internal sealed record TlsClientProfile(
    string Name,
    ushort[] CipherSuites,
    bool OffersTls13,
    string[] Alpn,
    bool Grease,
    bool SendsSni,
    bool SessionTicket,
    bool StatusRequest)
{
    /// <summary>Chrome-like browser (GREASE, TLS 1.3, h2).</summary>
    public static readonly TlsClientProfile Browser = new(
        "browser",
        [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035],
        true, ["h2", "http/1.1"], true, true, true, true);

    /// <summary>python-requests / urllib3 on OpenSSL 3 (most Redfish tooling).</summary>
    public static readonly TlsClientProfile Python = new(
        "python",
        [0x1302, 0x1303, 0x1301, 0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC02B, 0xC02F, 0x009E, 0xC024, 0xC028, 0x006B, 0xC023, 0xC027, 0x0067, 0xC00A, 0xC014, 0x0039, 0xC009, 0xC013, 0x0033, 0x009D, 0x009C, 0x003D, 0x003C, 0x0035, 0x002F, 0x00FF],
        true, ["http/1.1"], false, true, true, false);

    /// <summary>Go crypto/tls (redfish_exporter, OneView/OME-style collectors written in Go).</summary>
    public static readonly TlsClientProfile Go = new(
        "go",
        [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC009, 0xC013, 0xC00A, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035, 0x1301, 0x1302, 0x1303],
        true, [], false, true, false, true);

    /// <summary>Java 8 JSSE (vendor KVM and virtual-media applets).</summary>
    public static readonly TlsClientProfile Java = new(
        "java",
        [0xC02C, 0xC02B, 0xC030, 0x009D, 0xC02E, 0xC032, 0x009F, 0x00A3, 0xC02F, 0x009C, 0xC02D, 0xC031, 0x009E, 0x00A2, 0xC024, 0xC028, 0x003D, 0xC026, 0xC02A, 0x006B, 0x006A, 0x00FF],
        false, [], false, true, false, true);

    /// <summary>A small embedded TLS stack (mbedTLS-like) of the kind implants carry: few suites, no SNI.</summary>
    public static readonly TlsClientProfile Implant = new(
        "implant",
        [0xC02B, 0xC02F, 0xC0AE, 0xC023, 0xC027, 0x009C, 0x00FF],
        false, [], false, false, false, false);
}
