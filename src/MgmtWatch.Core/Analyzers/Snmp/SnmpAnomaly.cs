namespace MgmtWatch.Core.Analyzers.Snmp;

/// <summary>Names of the SNMP protocol violations reported as EVE <c>anomaly</c> events (app_proto <c>snmp</c>).</summary>
internal static class SnmpAnomaly
{
    /// <summary>The message's outer length claims more bytes than the UDP datagram holds.</summary>
    public const string LengthExceedsDatagram = "SNMP_BER_LENGTH_EXCEEDS_DATAGRAM";

    /// <summary>An inner element's length runs past the element that contains it.</summary>
    public const string LengthExceedsEnclosing = "SNMP_BER_LENGTH_EXCEEDS_ENCLOSING";

    /// <summary>A long-form length of more than 4 octets (or the reserved 0xFF).</summary>
    public const string LengthTooLong = "SNMP_BER_LENGTH_TOO_LONG";

    /// <summary>The indefinite length form, which RFC 3417 §8 forbids.</summary>
    public const string IndefiniteLength = "SNMP_BER_INDEFINITE_LENGTH";

    /// <summary>A multi-octet (high-number) tag: SNMP never needs one, and X.690 §8.1.2.2 forbids it below tag 31 (PROTOS c06 traps spell [4] so).</summary>
    public const string UnsupportedTag = "SNMP_BER_UNSUPPORTED_TAG";

    /// <summary>An element of the wrong type where the message structure requires another.</summary>
    public const string UnexpectedTag = "SNMP_BER_UNEXPECTED_TAG";

    /// <summary>An INTEGER with no content or more than 64 bits.</summary>
    public const string BadInteger = "SNMP_BER_BAD_INTEGER";

    /// <summary>A NULL with content.</summary>
    public const string BadNull = "SNMP_BER_BAD_NULL";

    /// <summary>Constructed values nested beyond the reader's bound.</summary>
    public const string NestingTooDeep = "SNMP_BER_NESTING_TOO_DEEP";

    /// <summary>An OID sub-identifier above 2^32−1 or longer than 5 octets (Zeek OSS-Fuzz reproducer, tcpdump shift overflow).</summary>
    public const string OidSubidentifierTooLong = "SNMP_OID_SUBIDENTIFIER_TOO_LONG";

    /// <summary>An OID that is empty, ends inside a sub-identifier, or pads one with 0x80.</summary>
    public const string OidBadEncoding = "SNMP_OID_BAD_ENCODING";

    /// <summary>An OID of more than 128 sub-identifiers.</summary>
    public const string OidTooManySubidentifiers = "SNMP_OID_TOO_MANY_SUBIDENTIFIERS";

    /// <summary>msgVersion other than 0 (v1), 1 (v2c) or 3 (v3).</summary>
    public const string BadVersion = "SNMP_BAD_VERSION";

    /// <summary>A PDU tag outside [0]–[8].</summary>
    public const string UnknownPdu = "SNMP_UNKNOWN_PDU";

    /// <summary>A PDU the message's version does not define (GetBulk/Inform/v2-Trap/Report in v1, the v1 Trap in v2c/v3).</summary>
    public const string PduNotInVersion = "SNMP_PDU_NOT_IN_VERSION";

    /// <summary>A variable binding that is not exactly (name, value), or whose value is not an SMI type.</summary>
    public const string BadVarBind = "SNMP_BAD_VARBIND";

    /// <summary>An SNMPv1 trap whose agent-addr is not a 4-octet IpAddress.</summary>
    public const string BadTrapAddress = "SNMP_BAD_TRAP_ADDRESS";

    /// <summary>Bytes after the message, or after the last field of a structure.</summary>
    public const string TrailingData = "SNMP_TRAILING_DATA";

    /// <summary>SNMPv3 msgFlags not one octet, or privacy without authentication (RFC 3412 §7.2 step 5d).</summary>
    public const string V3BadFlags = "SNMP_V3_BAD_FLAGS";

    /// <summary>SNMPv3 privacy flag and scoped PDU disagree (encrypted without the flag, or the flag on plaintext).</summary>
    public const string V3FlagsMismatch = "SNMP_V3_FLAGS_MISMATCH";

    /// <summary>An SNMPv3 USM user name longer than 32 octets (RFC 3414 §2.4).</summary>
    public const string V3UserNameTooLong = "SNMP_V3_USER_NAME_TOO_LONG";
}
