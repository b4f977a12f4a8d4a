namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// Numbers of the RMCP, ASF and IPMI LAN wire formats that the parsers and rules use, with the section of
/// the specification that defines each (DMTF DSP0136 ASF 2.0; IPMI v2.0 rev 1.1; layouts summarised in
/// ../shared/docs/ipmi-wire.md).
/// </summary>
internal static class Rmcp
{
    /// <summary>IANA "asf-rmcp": ASF and IPMI over LAN (IPMI v2.0 §13.1).</summary>
    public const ushort Port = 623;

    /// <summary>RMCP version 1.0, the only one defined (DSP0136 §3.2.2.1).</summary>
    public const byte Version = 0x06;

    /// <summary>RMCP header: version, reserved, sequence, class (DSP0136 §3.2.2).</summary>
    public const int HeaderLength = 4;

    /// <summary>Sequence number meaning "no RMCP ACK wanted"; IPMI always uses it (IPMI v2.0 §13.1.3).</summary>
    public const byte NoAckSequence = 0xFF;

    /// <summary>Class byte bit 7: the message is an RMCP ACK (DSP0136 §3.2.2.3).</summary>
    public const byte AckBit = 0x80;

    /// <summary>Class byte bits 6:5 are reserved (DSP0136 §3.2.2.3).</summary>
    public const byte ReservedClassBits = 0x60;

    /// <summary>Class byte bits 4:0: the message class.</summary>
    public const byte ClassMask = 0x1F;

    /// <summary>Class 6: ASF.</summary>
    public const byte ClassAsf = 0x06;

    /// <summary>Class 7: IPMI.</summary>
    public const byte ClassIpmi = 0x07;

    /// <summary>Class 8: OEM defined.</summary>
    public const byte ClassOem = 0x08;

    // ---- ASF (DSP0136 §3.2.4) ----

    /// <summary>The ASF IANA enterprise number 4542 (0x11BE), big-endian on the wire.</summary>
    public const uint AsfIana = 0x0000_11BE;

    /// <summary>The same number byte-swapped, as some OpenBMC builds send it (ipmi-wire.md §2).</summary>
    public const uint AsfIanaSwapped = 0xBE11_0000;

    /// <summary>ASF message header after RMCP: IANA (4), type, tag, reserved, data length.</summary>
    public const int AsfHeaderLength = Rmcp.HeaderLength + 8;

    /// <summary>ASF Reset (DSP0136 §3.2.4.1); 0x11 power-up, 0x12 unconditional power-down, 0x13 power cycle follow.</summary>
    public const byte AsfReset = 0x10;

    /// <summary>ASF Power Cycle, the last of the remote-control messages.</summary>
    public const byte AsfPowerCycle = 0x13;

    /// <summary>ASF Presence Pong.</summary>
    public const byte AsfPresencePong = 0x40;

    /// <summary>ASF Presence Ping.</summary>
    public const byte AsfPresencePing = 0x80;

    // ---- IPMI session headers (IPMI v2.0 §13.6, §13.8) ----

    /// <summary>Session header authentication type: none.</summary>
    public const byte AuthNone = 0x00;

    /// <summary>MD2.</summary>
    public const byte AuthMd2 = 0x01;

    /// <summary>MD5.</summary>
    public const byte AuthMd5 = 0x02;

    /// <summary>Straight password/key: the auth code is the password (IPMI v2.0 §22.17).</summary>
    public const byte AuthPassword = 0x04;

    /// <summary>OEM proprietary.</summary>
    public const byte AuthOem = 0x05;

    /// <summary>Format 6: an RMCP+ (IPMI v2.0) session header follows (IPMI v2.0 §13.6).</summary>
    public const byte AuthRmcpPlus = 0x06;

    /// <summary>IPMI v1.5 header: RMCP, auth type, sequence (4), session id (4), [auth code (16)], length (1).</summary>
    public const int V15HeaderLength = Rmcp.HeaderLength + 10;

    /// <summary>The v1.5 auth code, present when the auth type is not none.</summary>
    public const int V15AuthCodeLength = 16;

    /// <summary>RMCP+ header: RMCP, auth type, payload type, session id (4), sequence (4), length (2).</summary>
    public const int V20HeaderLength = Rmcp.HeaderLength + 12;

    /// <summary>OEM IANA (4) and OEM payload id (2), present only for payload type 2 (IPMI v2.0 §13.6).</summary>
    public const int OemPayloadExtra = 6;

    /// <summary>Payload type byte bit 7: the payload is encrypted.</summary>
    public const byte PayloadEncrypted = 0x80;

    /// <summary>Payload type byte bit 6: the payload is authenticated (an integrity trailer follows).</summary>
    public const byte PayloadAuthenticated = 0x40;

    /// <summary>Payload type bits 5:0.</summary>
    public const byte PayloadTypeMask = 0x3F;

    /// <summary>IPMI message (IPMI v2.0 §13.27.3).</summary>
    public const byte PayloadIpmi = 0x00;

    /// <summary>Serial over LAN.</summary>
    public const byte PayloadSol = 0x01;

    /// <summary>OEM explicit: OEM IANA and payload id follow in the header.</summary>
    public const byte PayloadOemExplicit = 0x02;

    /// <summary>RMCP+ Open Session Request (§13.17).</summary>
    public const byte PayloadOpenSessionRequest = 0x10;

    /// <summary>RMCP+ Open Session Response (§13.18).</summary>
    public const byte PayloadOpenSessionResponse = 0x11;

    /// <summary>RAKP Message 1 (§13.20).</summary>
    public const byte PayloadRakp1 = 0x12;

    /// <summary>RAKP Message 2 (§13.21).</summary>
    public const byte PayloadRakp2 = 0x13;

    /// <summary>RAKP Message 3 (§13.22).</summary>
    public const byte PayloadRakp3 = 0x14;

    /// <summary>RAKP Message 4 (§13.23).</summary>
    public const byte PayloadRakp4 = 0x15;

    /// <summary>First OEM payload type (OEM0).</summary>
    public const byte PayloadOem0 = 0x20;

    /// <summary>Last OEM payload type (OEM7).</summary>
    public const byte PayloadOem7 = 0x27;

    /// <summary>"Next header" byte of the RMCP+ integrity trailer, always 0x07 (§13.6).</summary>
    public const byte TrailerNextHeader = 0x07;

    /// <summary>Integrity pad byte value (§13.6).</summary>
    public const byte IntegrityPadByte = 0xFF;

    // ---- RMCP+ status codes (§13.24) ----

    /// <summary>No errors.</summary>
    public const byte StatusOk = 0x00;

    /// <summary>Unauthorized name: the user does not exist (the enumeration oracle).</summary>
    public const byte StatusUnauthorizedName = 0x0D;

    /// <summary>Invalid integrity check value: the password in RAKP3 was wrong.</summary>
    public const byte StatusInvalidIntegrityCheck = 0x0F;

    // ---- IPMI LAN messages (IPMI v2.0 §13.8, ipmi-wire.md §4) ----

    /// <summary>Smallest IPMI LAN request: rsAddr, netFn/LUN, chk1, rqAddr, rqSeq/LUN, cmd, chk2.</summary>
    public const int LanMessageMinimum = 7;

    /// <summary>NetFn Chassis.</summary>
    public const byte NetFnChassis = 0x00;

    /// <summary>NetFn Sensor/Event.</summary>
    public const byte NetFnSensorEvent = 0x04;

    /// <summary>NetFn Application.</summary>
    public const byte NetFnApp = 0x06;

    /// <summary>NetFn Firmware.</summary>
    public const byte NetFnFirmware = 0x08;

    /// <summary>NetFn Storage.</summary>
    public const byte NetFnStorage = 0x0A;

    /// <summary>NetFn Transport.</summary>
    public const byte NetFnTransport = 0x0C;

    /// <summary>NetFn Group Extension (PICMG, DCMI, HPM.1).</summary>
    public const byte NetFnGroupExtension = 0x2C;

    /// <summary>App: Get Channel Authentication Capabilities (§22.13).</summary>
    public const byte CmdGetChannelAuthCapabilities = 0x38;

    /// <summary>App: Get Session Challenge (§22.16).</summary>
    public const byte CmdGetSessionChallenge = 0x39;

    /// <summary>App: Activate Session (§22.17).</summary>
    public const byte CmdActivateSession = 0x3A;

    /// <summary>App: Set Session Privilege Level (§22.18).</summary>
    public const byte CmdSetSessionPrivilege = 0x3B;

    /// <summary>App: Close Session (§22.19).</summary>
    public const byte CmdCloseSession = 0x3C;

    /// <summary>App: Get Channel Cipher Suites (§22.15).</summary>
    public const byte CmdGetChannelCipherSuites = 0x54;

    /// <summary>Get Channel Cipher Suites record start: standard suite (§22.15, Table 22-19).</summary>
    public const byte CipherRecordStandard = 0xC0;

    /// <summary>Get Channel Cipher Suites record start: OEM suite, 3-byte IANA follows the id.</summary>
    public const byte CipherRecordOem = 0xC1;
}
