using System.Formats.Asn1;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// SNMP messages in BER (RFC 3416 PDUs; RFC 1901 v2c community messages; RFC 3412 §6 v3 messages with
/// RFC 3414 USM security parameters; RFC 1157 v1 Trap-PDU for PET alerts).
/// </summary>
internal static class SnmpMessages
{
    public const int GetRequest = 0;
    public const int GetNextRequest = 1;
    public const int Response = 2;
    public const int SetRequest = 3;
    public const int V1Trap = 4;
    public const int GetBulkRequest = 5;
    public const int V2Trap = 7;
    public const int Report = 8;

    public const string SysUpTime = "1.3.6.1.2.1.1.3.0";
    public const string SnmpTrapOid = "1.3.6.1.6.3.1.1.4.1.0";
    public const string ColdStart = "1.3.6.1.6.3.1.1.5.1";
    public const string UsmStatsUnknownEngineIds = "1.3.6.1.6.3.15.1.1.4.0";

    /// <summary>A v1 (version 0) or v2c (version 1) community message.</summary>
    public static byte[] Community(int version, string community, int pduType, int requestId, IReadOnlyList<(string Oid, SnmpValue Value)> varbinds, int nonRepeaters = 0, int maxRepetitions = 0)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteInteger(version);
            w.WriteOctetString(System.Text.Encoding.ASCII.GetBytes(community));
            Pdu(w, pduType, requestId, varbinds, nonRepeaters, maxRepetitions);
        }

        return w.Encode();
    }

    /// <summary>An SNMPv1 Trap-PDU (RFC 1157 §4.1.6), as IPMI Platform Event Traps are sent.</summary>
    public static byte[] TrapV1(string community, string enterprise, uint agent, int generic, int specific, long uptime, IReadOnlyList<(string Oid, SnmpValue Value)> varbinds)
    {
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteInteger(0);
            w.WriteOctetString(System.Text.Encoding.ASCII.GetBytes(community));
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, V1Trap, isConstructed: true)))
            {
                w.WriteObjectIdentifier(enterprise);
                SnmpValue.IpAddress(agent).WriteTo(w);
                w.WriteInteger(generic);
                w.WriteInteger(specific);
                SnmpValue.TimeTicks(uptime).WriteTo(w);
                VarBinds(w, varbinds);
            }
        }

        return w.Encode();
    }

    /// <summary>
    /// An SNMPv3 message. <paramref name="flags"/>: bit0 auth, bit1 priv, bit2 reportable. With auth the
    /// 12-byte authentication parameters are <paramref name="authParameters"/> (HMAC-SHA-96 length, RFC
    /// 7860/3414); with priv the scoped PDU is replaced by an encryptedPDU of the same length whose bytes
    /// come from <paramref name="random"/> (AES-CFB ciphertext keeps the plaintext length, RFC 3826 §3.1.4).
    /// </summary>
    public static byte[] V3(int messageId, int flags, byte[] engineId, int boots, int engineTime, string user, byte[] authParameters, byte[] privParameters, byte[] contextEngineId, int pduType, int requestId, IReadOnlyList<(string Oid, SnmpValue Value)> varbinds, Random random)
    {
        var usm = new AsnWriter(AsnEncodingRules.BER);
        using (usm.PushSequence())
        {
            usm.WriteOctetString(engineId);
            usm.WriteInteger(boots);
            usm.WriteInteger(engineTime);
            usm.WriteOctetString(System.Text.Encoding.ASCII.GetBytes(user));
            usm.WriteOctetString(authParameters);
            usm.WriteOctetString(privParameters);
        }

        var scoped = new AsnWriter(AsnEncodingRules.BER);
        using (scoped.PushSequence())
        {
            scoped.WriteOctetString(contextEngineId);
            scoped.WriteOctetString([]);
            Pdu(scoped, pduType, requestId, varbinds, 0, 0);
        }

        var scopedBytes = scoped.Encode();
        var w = new AsnWriter(AsnEncodingRules.BER);
        using (w.PushSequence())
        {
            w.WriteInteger(3);
            using (w.PushSequence())
            {
                w.WriteInteger(messageId);
                w.WriteInteger(1472);
                w.WriteOctetString([(byte)flags]);
                w.WriteInteger(3); // USM
            }

            w.WriteOctetString(usm.Encode());
            if ((flags & 2) != 0)
            {
                var cipher = new byte[scopedBytes.Length];
                random.NextBytes(cipher);
                w.WriteOctetString(cipher);
            }
            else
            {
                w.WriteEncodedValue(scopedBytes);
            }
        }

        return w.Encode();
    }

    private static void Pdu(AsnWriter w, int pduType, int requestId, IReadOnlyList<(string Oid, SnmpValue Value)> varbinds, int nonRepeaters, int maxRepetitions)
    {
        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, pduType, isConstructed: true)))
        {
            w.WriteInteger(requestId);
            w.WriteInteger(pduType == GetBulkRequest ? nonRepeaters : 0);
            w.WriteInteger(pduType == GetBulkRequest ? maxRepetitions : 0);
            VarBinds(w, varbinds);
        }
    }

    private static void VarBinds(AsnWriter w, IReadOnlyList<(string Oid, SnmpValue Value)> varbinds)
    {
        using (w.PushSequence())
        {
            foreach (var (oid, value) in varbinds)
            {
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(oid);
                    value.WriteTo(w);
                }
            }
        }
    }
}
