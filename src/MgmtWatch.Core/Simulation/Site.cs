namespace MgmtWatch.Core.Simulation;

/// <summary>
/// A simulated management network: address plan, devices, accounts and habits. Built once from the seed
/// by <see cref="SiteBuilder"/>; behaviours only read it (except attack set-up, which adds its hosts and
/// BMC outages before generation starts).
/// </summary>
internal sealed class Site
{
    public required int Seed { get; init; }

    /// <summary>
    /// Seed of everything that happens (polls, sessions, reboots, attacks), derived from the seed and the
    /// start: the same organisation (<see cref="Seed"/>) observed in another time window behaves anew
    /// instead of replaying the same minutes.
    /// </summary>
    public required int TrafficSeed { get; init; }

    public required long Start { get; init; }

    public required long End { get; init; }

    public required double BulkScale { get; init; }

    /// <summary>DNS domain of the management network.</summary>
    public required string Domain { get; init; }

    /// <summary>The site's local time offset from UTC (working hours, change windows).</summary>
    public required TimeSpan UtcOffset { get; init; }

    /// <summary>Change window: weekday and local start hour, length in hours.</summary>
    public required DayOfWeek ChangeDay { get; init; }

    public required int ChangeStartHour { get; init; }

    public required int ChangeHours { get; init; }

    /// <summary>Management subnet (host-order base address and prefix length).</summary>
    public required uint SubnetBase { get; init; }

    public required int PrefixLength { get; init; }

    /// <summary>The host network (servers' production side) that only attacks reach into, a /16.</summary>
    public required uint HostNetworkBase { get; init; }

    public required Host Gateway { get; init; }

    public required IReadOnlyList<Host> NtpServers { get; init; }

    public required Host Dns { get; init; }

    public required Host DhcpServer { get; init; }

    public required Host Syslog { get; init; }

    public required Host TrapReceiver { get; init; }

    /// <summary>Directory server for BMC logins, or null when the site uses local BMC accounts only.</summary>
    public required Host? Ldap { get; init; }

    /// <summary>389 (LDAP, cleartext binds) or 636 (LDAPS).</summary>
    public required ushort LdapPort { get; init; }

    public required string LdapBaseDn { get; init; }

    public required IReadOnlyList<Host> Pollers { get; init; }

    public required IReadOnlyList<PollJob> Jobs { get; init; }

    public required IReadOnlyList<Host> JumpHosts { get; init; }

    public required IReadOnlyList<string> Admins { get; init; }

    public required IReadOnlyList<Bmc> Bmcs { get; init; }

    /// <summary>TTL the resolver gives internal names (s).</summary>
    public required uint DnsTtl { get; init; }

    /// <summary>Community BMCs send traps with.</summary>
    public required string TrapCommunity { get; init; }

    /// <summary>Lease time of BMCs on DHCP (µs).</summary>
    public required long DhcpLease { get; init; }

    /// <summary>Every address in use on the management subnet (attack hosts are allocated outside it).</summary>
    public required HashSet<uint> UsedAddresses { get; init; }

    /// <summary>BMCs chosen by attack campaigns so far (a flashing BMC should not be another campaign's target).</summary>
    public List<Bmc> AttackTargets { get; } = [];

    /// <summary>Admin activity and firmware updates, planned in advance (they cause outages).</summary>
    public List<AdminSession> AdminPlan { get; } = [];

    public uint SubnetMask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    public uint Broadcast => SubnetBase | ~SubnetMask;

    public string SubnetCidr => Host.FormatIp(SubnetBase) + "/" + PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool OnSubnet(uint ip) => (ip & SubnetMask) == SubnetBase;

    /// <summary>Local wall-clock time of the site at a simulated instant.</summary>
    public DateTime LocalTime(long micros) => SimTime.ToDateTimeOffset(micros).ToOffset(UtcOffset).DateTime;

    /// <summary>True on a weekday between 08:00 and 18:00 local time.</summary>
    public bool IsWorkingHours(long micros)
    {
        var local = LocalTime(micros);
        return local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && local.Hour is >= 8 and < 18;
    }

    /// <summary>True inside the site's change window.</summary>
    public bool IsChangeWindow(long micros)
    {
        var local = LocalTime(micros);
        var startOfWindow = local.Date.AddHours(ChangeStartHour);
        if (local.DayOfWeek == ChangeDay && local >= startOfWindow && local < startOfWindow.AddHours(ChangeHours))
        {
            return true;
        }

        // A window that runs past midnight.
        var yesterday = local.Date.AddDays(-1);
        return yesterday.DayOfWeek == ChangeDay && local < yesterday.AddHours(ChangeStartHour + ChangeHours);
    }

    /// <summary>
    /// A new host (attacker, host-network server, outside address) with the site's link-layer view of it:
    /// local hosts keep their MAC; others arrive through the router with the TTL decremented.
    /// </summary>
    public Host AddHost(string name, uint ip, byte[] mac, HostRole role, byte ttl, bool windows = false)
    {
        var local = OnSubnet(ip);
        var host = new Host(name, ip, mac, role, ttl, local)
        {
            EphemeralMin = windows ? 49152 : 32768,
            EphemeralMax = windows ? 65535 : 60999,
            TcpWindow = windows ? (ushort)1026 : (ushort)502,
            SynWindow = windows ? (ushort)64240 : (ushort)64240,
            WindowScale = windows ? (byte)8 : (byte)7,
        };
        AttachToWire(host);
        if (local)
        {
            UsedAddresses.Add(ip);
        }

        return host;
    }

    /// <summary>Sets what the capture sees of a host: local hosts as themselves, others behind the router.</summary>
    public void AttachToWire(Host host)
    {
        if (!host.Local && !ReferenceEquals(host, Gateway))
        {
            host.WireMac = Gateway.Mac;

            // One routed hop for the site's own networks, more for the Internet.
            host.WireTtl = (byte)(host.InitialTtl - (host.Role == HostRole.Outside ? 14 : 1));
        }
    }

    /// <summary>A free address on the management subnet (for a rogue device), drawn from the caller's stream.</summary>
    public uint FreeLocalAddress(Random random)
    {
        var size = (int)(~SubnetMask);
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var ip = SubnetBase + (uint)random.Next(2, size - 1);
            if (!UsedAddresses.Contains(ip))
            {
                return ip;
            }
        }

        throw new InvalidOperationException("the management subnet is full");
    }

    /// <summary>A random address in the host network.</summary>
    public uint HostNetworkAddress(Random random) => HostNetworkBase + (uint)random.Next(1, 255) * 256 + (uint)random.Next(10, 250);
}
