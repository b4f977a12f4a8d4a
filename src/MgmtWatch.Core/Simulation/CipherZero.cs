namespace MgmtWatch.Core.Simulation;

/// <summary>
/// The cipher-suite-0 authentication bypass (CVE-2013-4782/4783/4784; threats.md §2, S1): <c>ipmitool
/// -I lanplus -C 0</c> against a BMC that accepts it, with any password: Open Session with all algorithms
/// 0 (accepted), RAKP with no auth codes, then cleartext commands — list the users, set a password,
/// create and enable a backdoor account.
/// </summary>
internal sealed class CipherZero(Site site) : Campaign(site, "cipher-zero")
{
    private Host _attacker = null!;
    private Bmc _bmc = null!;
    private LabelPattern _pattern = null!;

    protected override long NominalLength(long available) => Random.Seconds(60, 600);

    protected override void PrepareTargets()
    {
        _attacker = Random.Chance(0.5) ? NewLocalHost("rogue-box") : NewHostNetworkHost("compromised-host");
        _bmc = PickBmc();
        _bmc.AcceptsCipherZero = true;
        _pattern = Pattern("udp", _attacker, null, _bmc, 623, $"ipmitool -C 0 from {_attacker.IpText}: cipher suite 0 accepted, cleartext user list and Set User Password");
        Summary = $"{_attacker.IpText} -> {_bmc.Name} from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(Run);

    private IEnumerable<long> Run(Wire w)
    {
        var r = Random;
        var admin = _bmc.Users[0].User;
        var channel = _bmc.LanChannel;
        var list = new List<IpmiCommand> { IpmiCommands.GetUserAccess(channel, 1) };
        for (byte id = 1; id <= 10; id++)
        {
            list.Add(IpmiCommands.GetUserAccess(channel, id));
            list.Add(IpmiCommands.GetUserName(id));
        }

        var backdoor = (byte)(_bmc.Users.Count + 2);
        var invocations = new List<IpmiCommand>[]
        {
            list,
            [IpmiCommands.SetUserPassword(2, BmcFactory.Password(r))],
            [
                new IpmiCommand(IpmiMessages.NetFnApp, 0x45, [backdoor, .. System.Text.Encoding.ASCII.GetBytes("sysmaint".PadRight(16, '\0'))], (_, _) => [0x00]),
                IpmiCommands.SetUserPassword(backdoor, BmcFactory.Password(r)),
                new IpmiCommand(IpmiMessages.NetFnApp, 0x43, [(byte)(0x90 | channel), backdoor, 0x04, 0x00], (_, _) => [0x00]),
                new IpmiCommand(IpmiMessages.NetFnApp, 0x47, [backdoor, 0x01], (_, _) => [0x00]),
            ],
        };
        var t = Start;
        foreach (var commands in invocations)
        {
            using var session = new IpmiSession
            {
                Site = Site,
                Console = _attacker,
                ConsolePort = _attacker.EphemeralPort(r),
                Bmc = _bmc,
                Style = IpmiClientStyle.Ipmitool,
                User = admin,
                Password = "anything",
                Suite = 0,
                Commands = commands,
                Pattern = _pattern,
            };
            foreach (var x in session.Run(w, r, t))
            {
                yield return x;
            }

            t = session.EndTime + r.Seconds(5, 90);
        }
    }
}
