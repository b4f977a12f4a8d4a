using MgmtWatch.Core.Analyzers.Asn1;

namespace MgmtWatch.Core.Analyzers.Snmp;

/// <summary>
/// What <see cref="SnmpParser"/> read from one SNMP message. String fields are positions in the message
/// (<see cref="Bytes"/> gives the bytes); <see cref="Community"/> and <see cref="UserName"/> are credentials
/// and may only leave the analyzer as a fingerprint and a length.
/// </summary>
internal struct SnmpMessage
{
    /// <summary>msgVersion as on the wire (0: v1, 1: v2c, 3: v3), or −1 when not read.</summary>
    public long Version;

    /// <summary>True when <see cref="Community"/> was read (v1/v2c).</summary>
    public bool HasCommunity;

    /// <summary>The community string (a credential).</summary>
    public BerElement Community;

    /// <summary>True when the PDU's tag and header fields were read.</summary>
    public bool HasPdu;

    /// <summary>The PDU type (valid when <see cref="HasPdu"/>).</summary>
    public SnmpPdu Pdu;

    /// <summary>request-id (0 for an SNMPv1 trap, which has none).</summary>
    public long RequestId;

    /// <summary>error-status (non-repeaters for GetBulk, generic-trap for an SNMPv1 trap).</summary>
    public long ErrorStatus;

    /// <summary>error-index (max-repetitions for GetBulk, specific-trap for an SNMPv1 trap).</summary>
    public long ErrorIndex;

    /// <summary>Variable bindings read.</summary>
    public int VarBinds;

    /// <summary>For a Report PDU naming a usmStats counter (RFC 3414 §5): its last arc (1–6), else 0.</summary>
    public int UsmReport;

    /// <summary>True when the SNMPv3 header (msgGlobalData) was read.</summary>
    public bool HasV3Header;

    /// <summary>msgFlags (RFC 3412 §6.4): bit 0 auth, bit 1 priv, bit 2 reportable.</summary>
    public byte MsgFlags;

    /// <summary>msgSecurityModel (3: USM).</summary>
    public long SecurityModel;

    /// <summary>True when the USM security parameters were read.</summary>
    public bool HasUsm;

    /// <summary>msgAuthoritativeEngineID (not a secret; may be written as hex).</summary>
    public BerElement EngineId;

    /// <summary>msgUserName (a credential).</summary>
    public BerElement UserName;

    /// <summary>True when the scoped PDU is encrypted (privacy), so the PDU cannot be read.</summary>
    public bool Encrypted;

    /// <summary>True when the bytes ended inside the message because the capture cut it (snap length), not the sender.</summary>
    public bool CaptureTruncated;

    /// <summary>An empty message: nothing read yet.</summary>
    public static SnmpMessage Empty => new() { Version = -1 };

    /// <summary>The content of <paramref name="field"/> in <paramref name="message"/> (the bytes that were parsed).</summary>
    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> message, BerElement field) => message.Slice(field.Offset, field.Length);
}
