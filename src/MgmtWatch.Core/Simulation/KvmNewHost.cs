namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A remote-console session from a host that never opened one (threats.md §15, S12): a rogue laptop or a
/// compromised server logs in to the web UI with a directory account and starts the KVM.
/// </summary>
internal sealed class KvmNewHost(Site site) : Campaign(site, "kvm-new-host")
{
    private AdminSession _session = null!;
    private LabelPattern _pattern = null!;
    private LabelPattern _ldap = null!;

    /// <summary>An intruder looks around or mounts media for minutes, not hours.</summary>
    protected override long NominalLength(long available) => Random.Seconds(150, 900);

    protected override void PrepareTargets()
    {
        var host = Random.Chance(0.5) ? NewLocalHost("unknown-ws", windows: true) : NewHostNetworkHost("app-server");
        var bmc = PickBmc();
        var admin = Site.Admins[Random.Next(Site.Admins.Count)];
        _session = new AdminSession(Start, Length - SimTime.Minute, host, bmc, AdminSessionKind.Kvm, admin, -1 - AttackCatalog.Names.Count, LocalAccount: Site.Ldap is null);
        _pattern = Pattern("tcp", host, null, bmc, null, $"web login and remote console ({bmc.KvmPort}) on {bmc.Name} from {host.IpText}, which never used it");
        _ldap = Site.Ldap is null
            ? _pattern
            : Pattern("tcp", bmc, null, Site.Ldap, Site.LdapPort, $"LDAP bind by {bmc.Name} for the console login from {host.IpText}");
        Summary = $"{host.IpText} -> {bmc.Name}:{bmc.KvmPort} from {SimTime.Iso(Start)}";
    }

    public override void Spawn(Scheduler scheduler) => scheduler.Spawn(w => AdminActivity.Run(w, scheduler, Site, _session, _pattern, _ldap));
}
