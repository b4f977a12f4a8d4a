using System.Globalization;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// Lower-case names for the numbers IPMI puts on the wire, as written in flow fields and alert evidence.
/// Known values map to constant strings (no allocation); unknown ones are written as hex.
/// </summary>
internal static class IpmiNames
{
    /// <summary>IPMI v1.5 session authentication type (IPMI v2.0 §13.6, Table 13-8).</summary>
    public static string AuthType(byte type) => type switch
    {
        Rmcp.AuthNone => "none",
        Rmcp.AuthMd2 => "md2",
        Rmcp.AuthMd5 => "md5",
        Rmcp.AuthPassword => "password",
        Rmcp.AuthOem => "oem",
        Rmcp.AuthRmcpPlus => "rmcp+",
        _ => Hex(type),
    };

    /// <summary>RMCP+ authentication algorithm (§13.28).</summary>
    public static string AuthenticationAlgorithm(byte alg) => alg switch
    {
        0x00 => "rakp_none",
        0x01 => "rakp_hmac_sha1",
        0x02 => "rakp_hmac_md5",
        0x03 => "rakp_hmac_sha256",
        >= 0x30 and <= 0x3F => "oem_" + Hex(alg),
        _ => Hex(alg),
    };

    /// <summary>RMCP+ integrity algorithm (§13.28.4).</summary>
    public static string IntegrityAlgorithm(byte alg) => alg switch
    {
        0x00 => "none",
        0x01 => "hmac_sha1_96",
        0x02 => "hmac_md5_128",
        0x03 => "md5_128",
        0x04 => "hmac_sha256_128",
        >= 0x30 and <= 0x3F => "oem_" + Hex(alg),
        _ => Hex(alg),
    };

    /// <summary>RMCP+ confidentiality algorithm (§13.28.5).</summary>
    public static string ConfidentialityAlgorithm(byte alg) => alg switch
    {
        0x00 => "none",
        0x01 => "aes_cbc_128",
        0x02 => "xrc4_128",
        0x03 => "xrc4_40",
        >= 0x30 and <= 0x3F => "oem_" + Hex(alg),
        _ => Hex(alg),
    };

    /// <summary>Privilege level (§6.8; requested-role bits 3:0 of RAKP1, Open Session privilege).</summary>
    public static string Privilege(byte level) => level switch
    {
        0x00 => "highest",
        0x01 => "callback",
        0x02 => "user",
        0x03 => "operator",
        0x04 => "administrator",
        0x05 => "oem",
        _ => Hex(level),
    };

    /// <summary>RMCP+ status code (§13.24).</summary>
    public static string Status(byte status) => status switch
    {
        0x00 => "ok",
        0x01 => "insufficient_resources",
        0x02 => "invalid_session_id",
        0x03 => "invalid_payload_type",
        0x04 => "invalid_authentication_algorithm",
        0x05 => "invalid_integrity_algorithm",
        0x06 => "no_matching_authentication_payload",
        0x07 => "no_matching_integrity_payload",
        0x08 => "inactive_session_id",
        0x09 => "invalid_role",
        0x0A => "unauthorized_role",
        0x0B => "insufficient_resources_for_role",
        0x0C => "invalid_name_length",
        0x0D => "unauthorized_name",
        0x0E => "unauthorized_guid",
        0x0F => "invalid_integrity_check_value",
        0x10 => "invalid_confidentiality_algorithm",
        0x11 => "no_cipher_suite_match",
        0x12 => "illegal_parameter",
        _ => Hex(status),
    };

    /// <summary>A byte as <c>0x</c> and two hex digits.</summary>
    public static string Hex(byte value) => "0x" + value.ToString("x2", CultureInfo.InvariantCulture);
}
