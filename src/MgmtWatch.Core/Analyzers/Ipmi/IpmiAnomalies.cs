namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// The protocol violations the IPMI analyzer reports as EVE <c>anomaly</c> events (type <c>applayer</c>,
/// <c>app_proto</c> "ipmi"). A packet cut short by the capture's snap length is not a violation and is
/// never reported; these are about what the sender put on the wire.
/// </summary>
internal static class IpmiAnomalies
{
    /// <summary>A UDP/623 datagram shorter than the 4-byte RMCP header.</summary>
    public const string RmcpTruncated = "RMCP_TRUNCATED";

    /// <summary>RMCP version byte other than 0x06 (DSP0136 §3.2.2.1).</summary>
    public const string RmcpBadVersion = "RMCP_BAD_VERSION";

    /// <summary>RMCP reserved byte or reserved class bits 6:5 not zero.</summary>
    public const string RmcpReservedNonZero = "RMCP_RESERVED_NONZERO";

    /// <summary>RMCP class other than ASF (6), IPMI (7) or OEM (8).</summary>
    public const string RmcpUnknownClass = "RMCP_UNKNOWN_CLASS";

    /// <summary>An RMCP ACK that is not exactly the 4-byte header.</summary>
    public const string RmcpBadAck = "RMCP_BAD_ACK";

    /// <summary>An IPMI-class message asking for an RMCP ACK (sequence not 0xFF; IPMI v2.0 §13.1.3 forbids it).</summary>
    public const string RmcpIpmiAckRequested = "RMCP_IPMI_ACK_REQUESTED";

    /// <summary>An ASF message shorter than its 8-byte header.</summary>
    public const string AsfTruncated = "ASF_TRUNCATED";

    /// <summary>An ASF message whose IANA number is not 4542 (in either byte order).</summary>
    public const string AsfBadIana = "ASF_BAD_IANA";

    /// <summary>An ASF data length reaching beyond the datagram.</summary>
    public const string AsfLengthExceedsDatagram = "ASF_LENGTH_EXCEEDS_DATAGRAM";

    /// <summary>An ASF message type DSP0136 does not define.</summary>
    public const string AsfUnknownMessageType = "ASF_UNKNOWN_MESSAGE_TYPE";

    /// <summary>An IPMI session header (v1.5 or RMCP+) cut short by the sender.</summary>
    public const string IpmiTruncatedHeader = "IPMI_TRUNCATED_HEADER";

    /// <summary>An IPMI v1.5 authentication type other than none, MD2, MD5, straight password or OEM.</summary>
    public const string IpmiBadAuthType = "IPMI_BAD_AUTH_TYPE";

    /// <summary>A message or payload length field reaching beyond the datagram.</summary>
    public const string IpmiPayloadLengthExceedsDatagram = "IPMI_PAYLOAD_LENGTH_EXCEEDS_DATAGRAM";

    /// <summary>An RMCP+ payload type outside 0x00–0x02, 0x10–0x15 and OEM 0x20–0x27 (§13.27.3).</summary>
    public const string IpmiReservedPayloadType = "IPMI_RESERVED_PAYLOAD_TYPE";

    /// <summary>An RMCP+ session set-up payload (0x10–0x15) marked encrypted or authenticated: set-up is always in clear.</summary>
    public const string IpmiSetupPayloadProtected = "IPMI_SETUP_PAYLOAD_PROTECTED";

    /// <summary>An authenticated RMCP+ packet whose integrity trailer is missing.</summary>
    public const string IpmiIntegrityTrailerMissing = "IPMI_INTEGRITY_TRAILER_MISSING";

    /// <summary>An authenticated RMCP+ packet whose trailer is not 0xFF pad bytes, the pad length and next header 0x07.</summary>
    public const string IpmiBadIntegrityTrailer = "IPMI_BAD_INTEGRITY_TRAILER";

    /// <summary>An IPMI LAN message shorter than its fixed fields.</summary>
    public const string IpmiMessageTruncated = "IPMI_MESSAGE_TRUNCATED";

    /// <summary>An IPMI LAN message whose header or data checksum does not sum to zero.</summary>
    public const string IpmiBadChecksum = "IPMI_BAD_CHECKSUM";

    /// <summary>An Open Session or RAKP message shorter than its fixed fields.</summary>
    public const string RmcppMessageTruncated = "RMCPP_MESSAGE_TRUNCATED";

    /// <summary>An Open Session algorithm record of unknown type or length, or a type missing.</summary>
    public const string RmcppBadAlgorithmRecord = "RMCPP_BAD_ALGORITHM_RECORD";

    /// <summary>An Open Session Response, RAKP2 or RAKP4 for which the flow carried no matching request (spoofed or reflected).</summary>
    public const string RmcppUnsolicitedResponse = "RMCPP_UNSOLICITED_RESPONSE";

    /// <summary>A RAKP1 user name length above the 16 bytes IPMI allows (§13.20).</summary>
    public const string RakpUsernameTooLong = "RAKP_USERNAME_TOO_LONG";

    /// <summary>A RAKP1 user name length reaching beyond the payload.</summary>
    public const string RakpUsernameExceedsPayload = "RAKP_USERNAME_EXCEEDS_PAYLOAD";
}
