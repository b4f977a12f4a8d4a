namespace MgmtWatch.Core.Analyzers.Snmp;

/// <summary>
/// SNMP PDU types: the tag number of the context-specific constructed PDU (RFC 1157 §4, RFC 3416 §3),
/// so <c>0xA0 | value</c> is the identifier octet on the wire.
/// </summary>
internal enum SnmpPdu : byte
{
    /// <summary>GetRequest-PDU [0].</summary>
    Get = 0,

    /// <summary>GetNextRequest-PDU [1].</summary>
    GetNext = 1,

    /// <summary>Response-PDU [2] (GetResponse in SNMPv1).</summary>
    Response = 2,

    /// <summary>SetRequest-PDU [3].</summary>
    Set = 3,

    /// <summary>Trap-PDU [4], SNMPv1 only.</summary>
    TrapV1 = 4,

    /// <summary>GetBulkRequest-PDU [5], SNMPv2 and later.</summary>
    GetBulk = 5,

    /// <summary>InformRequest-PDU [6], SNMPv2 and later.</summary>
    Inform = 6,

    /// <summary>SNMPv2-Trap-PDU [7].</summary>
    TrapV2 = 7,

    /// <summary>Report-PDU [8] (RFC 3412 §7.1 step 3: SNMPv3 error reports, engine discovery).</summary>
    Report = 8,
}
