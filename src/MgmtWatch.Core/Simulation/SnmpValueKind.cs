namespace MgmtWatch.Core.Simulation;

/// <summary>SNMP value types the simulator writes.</summary>
internal enum SnmpValueKind
{
    Null,
    Integer,
    Counter32,
    Gauge32,
    TimeTicks,
    OctetString,
    IpAddress,
    ObjectId,
}
