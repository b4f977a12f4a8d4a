using System.Collections.Frozen;
using System.Globalization;

namespace MgmtWatch.Core.Analyzers.Tls;

/// <summary>
/// Names of TLS versions and cipher suites as Zeek's ssl.log writes them: <c>TLSv12</c>, IANA cipher suite
/// names (tls-parameters registry), and <c>unknown-N</c> for a value not in the table.
/// </summary>
internal static class TlsNames
{
    /// <summary>Zeek's version names (base/protocols/ssl/consts.zeek).</summary>
    public static string Version(ushort version) => version switch
    {
        0x0002 or 0x0200 => "SSLv2",
        0x0300 => "SSLv3",
        0x0301 => "TLSv10",
        0x0302 => "TLSv11",
        0x0303 => "TLSv12",
        0x0304 => "TLSv13",
        0xFEFF => "DTLSv10",
        0xFEFD => "DTLSv12",
        0xFEFC => "DTLSv13",
        _ when (version >> 8) == 0x7F => "TLSv13-draft" + (version & 0xFF).ToString(CultureInfo.InvariantCulture),
        _ => "unknown-" + version.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The IANA name of a cipher suite, or <c>unknown-N</c>.</summary>
    public static string Cipher(ushort suite) =>
        Ciphers.TryGetValue(suite, out var name) ? name : "unknown-" + suite.ToString(CultureInfo.InvariantCulture);

    /// <summary>Alert descriptions (RFC 8446 §6, RFC 5246 §7.2).</summary>
    public static string Alert(byte description) => description switch
    {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => "unknown-" + description.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The suites a BMC, a browser, curl, Java, Python or a scanner offers or picks (IANA TLS Cipher Suites
    /// registry), including the weak ones worth recognising by name (NULL, EXPORT, RC4, DES, 3DES).
    /// </summary>
    private static readonly FrozenDictionary<ushort, string> Ciphers = new Dictionary<ushort, string>
    {
        [0x0000] = "TLS_NULL_WITH_NULL_NULL",
        [0x0001] = "TLS_RSA_WITH_NULL_MD5",
        [0x0002] = "TLS_RSA_WITH_NULL_SHA",
        [0x0003] = "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
        [0x0004] = "TLS_RSA_WITH_RC4_128_MD5",
        [0x0005] = "TLS_RSA_WITH_RC4_128_SHA",
        [0x0006] = "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
        [0x0007] = "TLS_RSA_WITH_IDEA_CBC_SHA",
        [0x0008] = "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
        [0x0009] = "TLS_RSA_WITH_DES_CBC_SHA",
        [0x000A] = "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        [0x0011] = "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
        [0x0012] = "TLS_DHE_DSS_WITH_DES_CBC_SHA",
        [0x0013] = "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
        [0x0014] = "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
        [0x0015] = "TLS_DHE_RSA_WITH_DES_CBC_SHA",
        [0x0016] = "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        [0x002F] = "TLS_RSA_WITH_AES_128_CBC_SHA",
        [0x0032] = "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
        [0x0033] = "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        [0x0035] = "TLS_RSA_WITH_AES_256_CBC_SHA",
        [0x0038] = "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
        [0x0039] = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        [0x003C] = "TLS_RSA_WITH_AES_128_CBC_SHA256",
        [0x003D] = "TLS_RSA_WITH_AES_256_CBC_SHA256",
        [0x0040] = "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
        [0x0041] = "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
        [0x0067] = "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        [0x006A] = "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
        [0x006B] = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        [0x0084] = "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
        [0x009C] = "TLS_RSA_WITH_AES_128_GCM_SHA256",
        [0x009D] = "TLS_RSA_WITH_AES_256_GCM_SHA384",
        [0x009E] = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        [0x009F] = "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        [0x00A2] = "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
        [0x00A3] = "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
        [0x00FF] = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        [0x1301] = "TLS_AES_128_GCM_SHA256",
        [0x1302] = "TLS_AES_256_GCM_SHA384",
        [0x1303] = "TLS_CHACHA20_POLY1305_SHA256",
        [0x1304] = "TLS_AES_128_CCM_SHA256",
        [0x1305] = "TLS_AES_128_CCM_8_SHA256",
        [0x5600] = "TLS_FALLBACK_SCSV",
        [0xC007] = "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        [0xC008] = "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        [0xC009] = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        [0xC00A] = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        [0xC011] = "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        [0xC012] = "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        [0xC013] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        [0xC014] = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        [0xC023] = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        [0xC024] = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        [0xC027] = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        [0xC028] = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        [0xC02B] = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        [0xC02C] = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        [0xC02F] = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        [0xC030] = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        [0xC09C] = "TLS_RSA_WITH_AES_128_CCM",
        [0xC09D] = "TLS_RSA_WITH_AES_256_CCM",
        [0xC09E] = "TLS_DHE_RSA_WITH_AES_128_CCM",
        [0xC09F] = "TLS_DHE_RSA_WITH_AES_256_CCM",
        [0xC0AC] = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
        [0xC0AD] = "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
        [0xCCA8] = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        [0xCCA9] = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        [0xCCAA] = "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    }.ToFrozenDictionary();
}
