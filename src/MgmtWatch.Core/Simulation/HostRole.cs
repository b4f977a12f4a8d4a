namespace MgmtWatch.Core.Simulation;

/// <summary>What a simulated address is for.</summary>
internal enum HostRole
{
    Gateway,
    Bmc,
    Poller,
    JumpHost,
    Ntp,
    Dns,
    Dhcp,
    Syslog,
    TrapReceiver,
    Ldap,
    Attacker,
    HostNetwork,
    Outside,
}
