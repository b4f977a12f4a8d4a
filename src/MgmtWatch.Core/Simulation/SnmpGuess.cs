namespace MgmtWatch.Core.Simulation;

/// <summary>
/// SNMP community guessing with onesixtyone (threats.md §13, S13): one socket, a GetRequest for sysDescr.0
/// with every community of the word list to every BMC, 10 ms apart. One BMC was left with the read
/// community it shipped with, "public", and answers that one; every other guess goes unanswered.
/// </summary>
internal sealed class SnmpGuess(Site site) : Campaign(site, "snmp-guess")
{
    /// <summary>The start of onesixtyone's dict.txt and of common vendor defaults.</summary>
    private static readonly string[] Communities =
    [
        "public", "private", "0", "0392a0", "1234", "2read", "4changes", "ANYCOM", "Admin", "C0de", "CISCO", "CR52401",
        "IBM", "ILMI", "Intermec", "NoGaH$@!", "OrigEquipMfr", "PRIVATE", "PUBLIC", "Private", "Public", "SECRET",
        "SECURITY", "SNMP", "SNMP_trap", "SUN", "SWITCH", "SYSTEM", "Secret", "Security", "Switch", "System", "TENmanUFactOryPOWER",
        "TEST", "access", "adm", "admin", "agent", "agent_steal", "all", "all private", "all public", "apc", "bintec",
        "blue", "c", "cable-d", "canon_admin", "cc", "cisco", "community", "core", "debug", "default", "dilbert",
        "enable", "field", "field-service", "freekevin", "fubar", "guest", "hello", "hp_admin", "ibm", "ilmi",
        "intermec", "internal", "l2", "l3", "manager", "mngt", "monitor", "netman", "network", "none", "openview",
        "pass", "password", "pr1v4t3", "proxy", "publ1c", "read", "read-only", "read-write", "readwrite", "red",
        "regional", "rmon", "rmon_admin", "ro", "root", "router", "rw", "rwa", "san-fran", "sanfran", "scotty",
        "secret", "security", "seri", "snmp", "snmpd", "snmptrap", "solaris", "sun", "superuser", "switch", "system",
        "tech", "test", "test2", "tiv0li", "tivoli", "trap", "world", "write", "xyzzy", "yellow",
    ];

    private const string ShippedCommunity = "public";

    private const string SysDescrOid = "1.3.6.1.2.1.1.1.0";

    private Host _attacker = null!;
    private Bmc _open = null!;
    private ushort _port;
    private LabelPattern _pattern = null!;

    protected override long NominalLength(long available) => SimTime.FromSeconds(Communities.Length * Site.Bmcs.Count * 0.011) + SimTime.Minute;

    protected override void PrepareTargets()
    {
        _attacker = Random.Chance(0.5) ? NewLocalHost("rogue-snmp") : NewHostNetworkHost("compromised-app");
        _port = _attacker.EphemeralPort(Random);
        // Any BMC but the one the malicious flash takes down (it could be rebooting when its turn comes).
        var up = Site.Bmcs.Where(b => !b.Outages.Any(o => o.Reason == OutageReason.AttackFirmwarePush)).ToList();
        _open = Random.Pick(up.Count > 0 ? up : Site.Bmcs);
        _pattern = Pattern("udp", _attacker, _port, Site.SubnetCidr, 161, $"onesixtyone from {_attacker.IpText}: {Communities.Length} community strings against every BMC; {_open.Name} answers the default community, no other reply");
        Summary = $"{_attacker.IpText}:{_port} -> {Site.Bmcs.Count} BMCs x {Communities.Length} communities from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        w.Pattern = _pattern;
        var t = Start;

        // onesixtyone loops over communities, and for each over the hosts, with -w 10 (10 ms) between packets.
        foreach (var community in Communities)
        {
            foreach (var bmc in Site.Bmcs)
            {
                var id = r.Next(1, int.MaxValue);
                var message = SnmpMessages.Community(0, community, SnmpMessages.GetRequest, id, [(SysDescrOid, SnmpValue.Null)]);
                yield return w.Udp(t, _attacker, _port, bmc, 161, message);
                if (ReferenceEquals(bmc, _open) && community == ShippedCommunity && bmc.IsUp(t))
                {
                    // Answered well inside the 10 ms before the next guess.
                    var answer = SnmpMessages.Community(0, community, SnmpMessages.Response, id, [(SysDescrOid, SnmpValue.Text(bmc.SysDescr))]);
                    yield return w.Udp(t + r.Micros(1_000, 4_000), bmc, 161, _attacker, _port, answer);
                }

                t += r.Micros(10_000, 11_000);
            }
        }
    }
}
