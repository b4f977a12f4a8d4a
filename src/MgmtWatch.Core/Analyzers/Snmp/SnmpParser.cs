using MgmtWatch.Core.Analyzers.Asn1;

namespace MgmtWatch.Core.Analyzers.Snmp;

/// <summary>
/// Reads one SNMP message (v1 RFC 1157, v2c RFC 1901/3416, v3 RFC 3412 with USM RFC 3414) with
/// <see cref="BerReader"/>. Returns the first protocol violation's anomaly name, or null; what was read
/// before a violation stays in the message. Never throws, never allocates.
/// </summary>
internal static class SnmpParser
{
    /// <summary>RFC 3414 §2.4: msgUserName is OCTET STRING (SIZE(0..32)).</summary>
    private const int MaxUserNameLength = 32;

    /// <summary>SMI application types (RFC 2578 §7.1, RFC 3416 §3).</summary>
    private const byte IpAddress = 0x40;

    private const byte TimeTicks = 0x43;

    /// <summary>usmStats (1.3.6.1.6.3.15.1.1), RFC 3414 §5: Report PDUs name one of its six counters.</summary>
    private static ReadOnlySpan<byte> UsmStatsPrefix => [0x2B, 0x06, 0x01, 0x06, 0x03, 0x0F, 0x01, 0x01];

    /// <summary>Parses <paramref name="captured"/>, the kept part of a <paramref name="wireLength"/>-byte datagram.</summary>
    public static string? Parse(ReadOnlySpan<byte> captured, int wireLength, out SnmpMessage message)
    {
        message = SnmpMessage.Empty;
        var reader = new BerReader(captured, wireLength);
        if (!reader.TryEnter(BerTag.Sequence, out var body))
        {
            return Violation(ref message, reader);
        }

        if (!body.TryReadInteger(BerTag.Integer, out var version))
        {
            return Violation(ref message, body);
        }

        message.Version = version;
        string? violation;
        switch (version)
        {
            case 0:
            case 1:
                if (!body.TryReadPrimitive(BerTag.OctetString, out message.Community))
                {
                    return Violation(ref message, body);
                }

                message.HasCommunity = true;
                violation = ParsePdu(ref body, ref message);
                break;
            case 3:
                violation = ParseV3(ref body, ref message);
                break;
            default:
                return SnmpAnomaly.BadVersion;
        }

        if (violation is not null || message.CaptureTruncated)
        {
            return violation;
        }

        return body.HasMore || reader.HasMore ? SnmpAnomaly.TrailingData : null;
    }

    /// <summary>SNMPv3Message (RFC 3412 §6): msgGlobalData, msgSecurityParameters, msgData.</summary>
    private static string? ParseV3(ref BerReader body, ref SnmpMessage message)
    {
        if (!body.TryEnter(BerTag.Sequence, out var header)
            || !header.TryReadInteger(BerTag.Integer, out _) // msgID
            || !header.TryReadInteger(BerTag.Integer, out _) // msgMaxSize
            || !header.TryReadOctetString(BerTag.OctetString, out var flags)
            || !header.TryReadInteger(BerTag.Integer, out message.SecurityModel))
        {
            return body.Error != BerError.None ? Violation(ref message, body) : Violation(ref message, header);
        }

        if (header.HasMore)
        {
            return SnmpAnomaly.TrailingData;
        }

        message.HasV3Header = true;
        if (flags.Length != 1)
        {
            return SnmpAnomaly.V3BadFlags;
        }

        message.MsgFlags = flags[0];
        var auth = (message.MsgFlags & 0x01) != 0;
        var priv = (message.MsgFlags & 0x02) != 0;
        if (priv && !auth)
        {
            return SnmpAnomaly.V3BadFlags;
        }

        if (message.SecurityModel == 3)
        {
            if (!body.TryEnterEncapsulated(BerTag.OctetString, out var securityParameters))
            {
                return Violation(ref message, body);
            }

            var usm = ParseUsm(ref securityParameters, ref message);
            if (usm is not null || message.CaptureTruncated)
            {
                return usm;
            }
        }
        else if (!body.TryReadElement(out var other) || other.Tag != BerTag.OctetString)
        {
            return body.Error != BerError.None ? Violation(ref message, body) : SnmpAnomaly.UnexpectedTag;
        }

        if (!body.TryPeekTag(out var dataTag))
        {
            return body.Remaining > 0 ? Truncated(ref message) : SnmpAnomaly.UnexpectedTag;
        }

        if (dataTag == BerTag.OctetString)
        {
            // encryptedPDU (RFC 3412 §6.8): the PDU is unreadable without the privacy key.
            message.Encrypted = true;
            if (!body.TryReadOctetString(BerTag.OctetString, out _))
            {
                return Violation(ref message, body);
            }

            return priv ? null : SnmpAnomaly.V3FlagsMismatch;
        }

        if (priv)
        {
            return SnmpAnomaly.V3FlagsMismatch;
        }

        // ScopedPDU (RFC 3412 §6.8): contextEngineID, contextName, data.
        if (!body.TryEnter(BerTag.Sequence, out var scoped))
        {
            return Violation(ref message, body);
        }

        if (!scoped.TryReadOctetString(BerTag.OctetString, out _) || !scoped.TryReadOctetString(BerTag.OctetString, out _))
        {
            return Violation(ref message, scoped);
        }

        var violation = ParsePdu(ref scoped, ref message);
        if (violation is null && !message.CaptureTruncated && scoped.HasMore)
        {
            return SnmpAnomaly.TrailingData;
        }

        return violation;
    }

    /// <summary>UsmSecurityParameters (RFC 3414 §2.4), BER inside the msgSecurityParameters OCTET STRING.</summary>
    private static string? ParseUsm(ref BerReader nested, ref SnmpMessage message)
    {
        if (!nested.TryEnter(BerTag.Sequence, out var usm)
            || !usm.TryReadPrimitive(BerTag.OctetString, out message.EngineId)
            || !usm.TryReadInteger(BerTag.Integer, out _) // msgAuthoritativeEngineBoots
            || !usm.TryReadInteger(BerTag.Integer, out _) // msgAuthoritativeEngineTime
            || !usm.TryReadPrimitive(BerTag.OctetString, out message.UserName)
            || !usm.TryReadOctetString(BerTag.OctetString, out _) // msgAuthenticationParameters
            || !usm.TryReadOctetString(BerTag.OctetString, out _)) // msgPrivacyParameters
        {
            message.EngineId = default;
            message.UserName = default;
            return nested.Error != BerError.None ? Violation(ref message, nested) : Violation(ref message, usm);
        }

        if (usm.HasMore || nested.HasMore)
        {
            return SnmpAnomaly.TrailingData;
        }

        message.HasUsm = true;
        return message.UserName.Length > MaxUserNameLength ? SnmpAnomaly.V3UserNameTooLong : null;
    }

    /// <summary>The PDU (RFC 3416 §3; the SNMPv1 Trap-PDU of RFC 1157 §4.1.6).</summary>
    private static string? ParsePdu(ref BerReader parent, ref SnmpMessage message)
    {
        if (!parent.TryPeekTag(out var tag))
        {
            return parent.Remaining > 0 ? Truncated(ref message) : SnmpAnomaly.UnexpectedTag;
        }

        if ((tag & 0x1F) == 0x1F)
        {
            return SnmpAnomaly.UnsupportedTag; // [4] spelt in high-tag-number form (PROTOS c06 traps)
        }

        if (tag is < 0xA0 or > 0xA8)
        {
            return SnmpAnomaly.UnknownPdu;
        }

        var pdu = (SnmpPdu)(tag & 0x1F);
        var v1 = message.Version == 0;
        if (v1 ? pdu > SnmpPdu.TrapV1 : pdu == SnmpPdu.TrapV1)
        {
            return SnmpAnomaly.PduNotInVersion;
        }

        if (!parent.TryEnterAny(out _, out var body))
        {
            return Violation(ref message, parent);
        }

        if (pdu == SnmpPdu.TrapV1)
        {
            if (!body.TryReadObjectIdentifier(BerTag.ObjectIdentifier, out _, out _) // enterprise
                || !body.TryReadOctetString(IpAddress, out var agentAddress)
                || !body.TryReadInteger(BerTag.Integer, out message.ErrorStatus) // generic-trap
                || !body.TryReadInteger(BerTag.Integer, out message.ErrorIndex) // specific-trap
                || !body.TryReadInteger(TimeTicks, out _))
            {
                return Violation(ref message, body);
            }

            if (agentAddress.Length != 4)
            {
                return SnmpAnomaly.BadTrapAddress;
            }
        }
        else if (!body.TryReadInteger(BerTag.Integer, out message.RequestId)
                 || !body.TryReadInteger(BerTag.Integer, out message.ErrorStatus)
                 || !body.TryReadInteger(BerTag.Integer, out message.ErrorIndex))
        {
            return Violation(ref message, body);
        }

        message.Pdu = pdu;
        message.HasPdu = true;
        if (!body.TryEnter(BerTag.Sequence, out var bindings))
        {
            return Violation(ref message, body);
        }

        while (bindings.HasMore)
        {
            if (!bindings.TryEnter(BerTag.Sequence, out var binding)
                || !binding.TryReadObjectIdentifier(BerTag.ObjectIdentifier, out var name, out _))
            {
                return bindings.Error != BerError.None ? Violation(ref message, bindings) : Violation(ref message, binding);
            }

            if (!binding.TryPeekTag(out var valueTag))
            {
                return binding.Remaining > 0 ? Truncated(ref message) : SnmpAnomaly.BadVarBind;
            }

            if (!binding.TrySkip())
            {
                return Violation(ref message, binding);
            }

            message.VarBinds++;
            if (binding.HasMore || !IsValueType(valueTag))
            {
                return SnmpAnomaly.BadVarBind;
            }

            if (pdu == SnmpPdu.Report && message.VarBinds == 1)
            {
                message.UsmReport = UsmStatsCounter(name);
            }
        }

        if (bindings.Error != BerError.None)
        {
            return Violation(ref message, bindings);
        }

        return body.HasMore ? SnmpAnomaly.TrailingData : null;
    }

    /// <summary>
    /// ObjectSyntax (RFC 2578 §7.1.1–§7.1.10, RFC 3416 §3): INTEGER, OCTET STRING, OID, the application
    /// types (IpAddress … Counter64, and NsapAddress of RFC 1442), NULL in requests, and the
    /// noSuchObject/noSuchInstance/endOfMibView exceptions in responses.
    /// </summary>
    private static bool IsValueType(byte tag) => tag is BerTag.Integer or BerTag.OctetString or BerTag.Null or BerTag.ObjectIdentifier
        or (>= 0x40 and <= 0x46) or 0x80 or 0x81 or 0x82;

    /// <summary>The usmStats counter a Report names (1.3.6.1.6.3.15.1.1.N.0, N = 1–6), or 0.</summary>
    private static int UsmStatsCounter(ReadOnlySpan<byte> oid) =>
        oid.Length == UsmStatsPrefix.Length + 2 && oid.StartsWith(UsmStatsPrefix) && oid[^1] == 0 && oid[^2] is >= 1 and <= 6
            ? oid[^2]
            : 0;

    private static string? Truncated(ref SnmpMessage message)
    {
        message.CaptureTruncated = true;
        return null;
    }

    /// <summary>The anomaly for the reader's error (null for a capture cut short, which is not the sender's fault).</summary>
    private static string? Violation(ref SnmpMessage message, in BerReader reader) => reader.Error switch
    {
        BerError.None => null,
        BerError.Truncated => Truncated(ref message),
        BerError.LengthExceedsEnclosing => reader.Depth == 0 ? SnmpAnomaly.LengthExceedsDatagram : SnmpAnomaly.LengthExceedsEnclosing,
        BerError.LengthTooLong => SnmpAnomaly.LengthTooLong,
        BerError.IndefiniteLength => SnmpAnomaly.IndefiniteLength,
        BerError.HighTagNumber => SnmpAnomaly.UnsupportedTag,
        BerError.UnexpectedTag => SnmpAnomaly.UnexpectedTag,
        BerError.BadInteger => SnmpAnomaly.BadInteger,
        BerError.BadNull => SnmpAnomaly.BadNull,
        BerError.OidSubidentifierTooLong => SnmpAnomaly.OidSubidentifierTooLong,
        BerError.OidBadEncoding => SnmpAnomaly.OidBadEncoding,
        BerError.OidTooManySubidentifiers => SnmpAnomaly.OidTooManySubidentifiers,
        BerError.NestingTooDeep => SnmpAnomaly.NestingTooDeep,
        _ => SnmpAnomaly.UnexpectedTag,
    };
}
