using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A BMC's SNMP traps to the trap receiver (UDP 162): coldStart (RFC 3418 SNMPv2-MIB) after every boot,
/// and rare IPMI Platform Event Traps (SNMPv1 Trap-PDU, enterprise 1.3.6.1.4.1.3183.1.1, PET spec v1.0).
/// </summary>
internal static class TrapSender
{
    private const string PetEnterprise = "1.3.6.1.4.1.3183.1.1";

    public static IEnumerable<long> Run(Wire w, Site site, Bmc bmc)
    {
        var r = RandomStreams.Create(site.TrafficSeed, "traps/" + bmc.Index.ToString(CultureInfo.InvariantCulture));

        // About one hardware event trap per BMC every three days.
        var t = site.Start + (long)r.Exponential(3.0 * SimTime.Day);
        var previous = site.Start;
        var uptimeBase = site.Start - (r.Next(1, 60) * SimTime.Day);
        while (true)
        {
            var outage = bmc.OutageSince(previous, Math.Min(t, site.End));
            if (outage is not null)
            {
                var at = outage.UpAt + r.Seconds(30, 90);
                uptimeBase = outage.UpAt;
                var trap = SnmpMessages.Community(1, site.TrapCommunity, SnmpMessages.V2Trap, r.Next(1, int.MaxValue), [
                    (SnmpMessages.SysUpTime, SnmpValue.TimeTicks((at - uptimeBase) / 10_000)),
                    (SnmpMessages.SnmpTrapOid, SnmpValue.ObjectId(SnmpMessages.ColdStart)),
                ]);
                yield return w.Udp(at, bmc, bmc.EphemeralPort(r), site.TrapReceiver, 162, trap);
                previous = outage.UpAt;
                continue;
            }

            if (t >= site.End)
            {
                yield break;
            }

            if (bmc.IsUp(t))
            {
                var data = new byte[47];
                r.NextBytes(data);
                var pet = SnmpMessages.TrapV1(site.TrapCommunity, PetEnterprise, bmc.Ip, 6, 0x00010100 | r.Next(1, 8) << 8, (t - uptimeBase) / 10_000, [
                    (PetEnterprise + ".1", SnmpValue.Octets(data)),
                ]);
                yield return w.Udp(t, bmc, bmc.EphemeralPort(r), site.TrapReceiver, 162, pet);
            }

            previous = t;
            t += (long)r.Exponential(3.0 * SimTime.Day);
        }
    }
}
