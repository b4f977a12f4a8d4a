using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Chooses a whole site from the seed: address plan, router, infrastructure servers, pollers and their
/// software, jump hosts, BMC vendors and traits, accounts, time zone and change window. Every choice
/// comes from streams named "site/…" of the seed, so attacks (streams "attack/…") never change the
/// site; what happens in the time window (reboots, poller restarts, admin sessions) comes from the
/// site's traffic seed, which also depends on the start.
/// </summary>
internal static class SiteBuilder
{
    private static readonly string[] Domains =
    [
        "mgmt.example.net", "oob.corp.example", "ipmi.example.org", "bmc.dc1.example.com", "ilo.prod.example",
        "oob.example.com", "mgmt.fra.example.net", "lom.example.org",
    ];

    private static readonly double[] UtcOffsets = [-8, -7, -6, -5, -3, 0, 1, 2, 3, 5.5, 8, 9, 10];

    private static readonly string[] AdminNames =
    [
        "jdoe", "asmith", "mkowalski", "lchen", "pnguyen", "rgarcia", "tmueller", "kpatel", "sjohansson", "ayilmaz",
        "dbrown", "hsato", "fmartin", "oivanova",
    ];

    private static readonly byte[][] RouterOuis = [[0x00, 0x1B, 0x54], [0x70, 0x6E, 0x6D], [0x00, 0x05, 0x85], [0x28, 0x8A, 0x1C], [0x00, 0x1C, 0x73]];

    /// <summary>VMware, Hyper-V and KVM virtual NICs, and Intel/Broadcom server NICs.</summary>
    private static readonly byte[][] ServerOuis = [[0x00, 0x50, 0x56], [0x00, 0x15, 0x5D], [0x52, 0x54, 0x00], [0x3C, 0xFD, 0xFE], [0xA0, 0x36, 0x9F], [0x00, 0x10, 0x18]];

    public static Site Build(SimulationOptions options)
    {
        var r = RandomStreams.Create(options.Seed, "site/layout");

        // The site's habits come from their own stream, so that they do not depend on how many BMCs or
        // pollers the options ask for: the same seed is the same organisation at any size.
        var habits = RandomStreams.Create(options.Seed, "site/habits");
        var domain = habits.Pick(Domains);
        var utcOffset = TimeSpan.FromHours(habits.Pick(UtcOffsets));
        var changeDay = habits.Pick([DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Saturday]);
        var changeStart = habits.Pick([19, 20, 21, 22]);
        var changeHours = habits.Next(2, 5);
        var sitePrefix = habits.Pick(["fra1", "ams2", "dal3", "sjc1", "lhr4", "nrt1", "syd2", "iad5"]);
        var lease = habits.Pick([SimTime.Hour, 4 * SimTime.Hour, 12 * SimTime.Hour, SimTime.Day]);
        var drawnPollers = habits.Next(2, 5);
        var dnsPolicy = habits.Next(3); // 0 addresses only, 1 names everywhere, 2 mixed
        var dnsTtl = habits.Pick([300u, 900u, 3600u]);
        var trapCommunity = habits.Chance(0.5) ? "public" : "traps-" + habits.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        var adminCount = habits.Next(2, 6);
        var admins = new List<string>();
        while (admins.Count < adminCount)
        {
            var a = habits.Pick(AdminNames);
            if (!admins.Contains(a))
            {
                admins.Add(a);
            }
        }

        var start = SimTime.FromDateTimeOffset(options.Start);
        var end = start + (long)(options.Duration.Ticks / 10);

        // Address plan: a /24 when it fits, a wider prefix for large sites (BMCs plus 64 other addresses).
        var prefix = 24;
        while ((1 << (32 - prefix)) - 2 < options.Bmcs + 64)
        {
            prefix--;
        }

        var plan = r.Next(4);
        uint subnet = plan switch
        {
            0 => (10u << 24) | ((uint)r.Next(1, 255) << 16) | ((uint)r.Next(0, 256) << 8),
            1 => (172u << 24) | ((uint)r.Next(16, 32) << 16) | ((uint)r.Next(0, 256) << 8),
            2 when prefix == 24 => (192u << 24) | (168u << 16) | ((uint)r.Next(0, 256) << 8),
            _ => (10u << 24) | ((uint)r.Next(1, 255) << 16) | ((uint)r.Next(0, 256) << 8),
        };
        var mask = uint.MaxValue << (32 - prefix);
        subnet &= mask;
        if (prefix == 24 && r.Chance(0.25) && plan != 2)
        {
            prefix = 23;
            mask = uint.MaxValue << 9;
            subnet &= mask;
        }

        var size = ~mask + 1;
        var used = new HashSet<uint>();

        // Services network: routed, elsewhere in 10/8; host network: a /16 that only attacks reach.
        uint services;
        uint hostNet;
        do
        {
            services = (10u << 24) | ((uint)r.Next(1, 255) << 16) | ((uint)r.Next(0, 256) << 8);
            hostNet = (10u << 24) | ((uint)r.Next(1, 255) << 16);
        }
        while ((services & mask) == subnet || (hostNet & 0xFFFF0000) == (subnet & 0xFFFF0000) || (services & 0xFFFF0000) == hostNet);

        var gatewayIp = r.Chance(0.8) ? subnet + 1 : subnet + size - 2;
        var gateway = new Host("gw", gatewayIp, Mac(r, r.Pick(RouterOuis)), HostRole.Gateway, 255, local: true);
        used.Add(gatewayIp);

        var hosts = new List<Host>();
        var nextInfra = 2u;
        Host Server(string name, HostRole role, double localChance, uint remoteOctet)
        {
            var local = r.Chance(localChance);
            uint ip;
            if (local)
            {
                do
                {
                    ip = subnet + nextInfra++;
                }
                while (ip == gatewayIp);
                used.Add(ip);
            }
            else
            {
                ip = services + remoteOctet;
            }

            var h = new Host(name, ip, Mac(r, r.Pick(ServerOuis)), role, 64, local);
            hosts.Add(h);
            return h;
        }

        var ntpCount = r.Next(1, 3);
        var ntp = new List<Host>();
        for (var i = 0; i < ntpCount; i++)
        {
            ntp.Add(Server("ntp" + (i + 1).ToString(CultureInfo.InvariantCulture), HostRole.Ntp, 0.3, 10 + (uint)i));
        }

        var dns = Server("ns1", HostRole.Dns, 0.3, 20);
        var dhcp = r.Chance(0.5) ? new Host("dhcp1", dns.Ip, dns.Mac, HostRole.Dhcp, 64, dns.Local) : Server("dhcp1", HostRole.Dhcp, 0.4, 21);
        var syslog = Server("syslog", HostRole.Syslog, 0.5, 30);
        Host? ldap = r.Chance(0.8) ? Server("ldap", HostRole.Ldap, 0.2, 40) : null;
        ushort ldapPort = r.Chance(0.6) ? (ushort)389 : (ushort)636;

        // Pollers and their software.
        var pollerCount = options.Pollers ?? drawnPollers;
        var pollers = new List<Host>();
        var pollersLocal = r.Chance(0.6);
        for (var i = 0; i < pollerCount; i++)
        {
            var name = "mon" + (i + 1).ToString(CultureInfo.InvariantCulture);
            uint ip;
            if (pollersLocal)
            {
                ip = subnet + 16 + (uint)i;
                used.Add(ip);
            }
            else
            {
                ip = services + 50 + (uint)i;
            }

            var p = new Host(name, ip, Mac(r, r.Pick(ServerOuis)), HostRole.Poller, 64, pollersLocal);
            pollers.Add(p);
            hosts.Add(p);
        }

        var trap = r.Chance(0.5) ? pollers[0] : Server("snmptrap", HostRole.TrapReceiver, 0.4, 31);

        var jumpCount = r.Next(1, 4);
        var jumps = new List<Host>();
        for (var i = 0; i < jumpCount; i++)
        {
            var windows = r.Chance(0.6);
            var local = r.Chance(0.5);
            var ip = local ? subnet + 40 + (uint)i : services + 60 + (uint)i;
            if (local)
            {
                used.Add(ip);
            }

            var j = new Host("jump" + (i + 1).ToString(CultureInfo.InvariantCulture), ip, Mac(r, r.Pick(ServerOuis)), HostRole.JumpHost, windows ? (byte)128 : (byte)64, local)
            {
                EphemeralMin = windows ? 49152 : 32768,
                EphemeralMax = windows ? 65535 : 60999,
                TcpWindow = windows ? (ushort)1026 : (ushort)502,
                WindowScale = windows ? (byte)8 : (byte)7,
            };
            jumps.Add(j);
            hosts.Add(j);
        }

        var jobs = PlanJobs(options, pollers);

        // BMCs: one or two dominant vendors plus a few others, addresses from an offset with small gaps.
        var vendors = Enum.GetValues<BmcVendor>();
        var main = vendors[r.Next(vendors.Length)];
        var second = vendors[(Array.IndexOf(vendors, main) + r.Next(1, vendors.Length)) % vendors.Length];
        var naming = r.Next(3);
        var siteUsers = new List<(string, string)>();
        foreach (var job in jobs)
        {
            if (job.Software is PollSoftware.IpmiExporter or PollSoftware.NagiosIpmi or PollSoftware.ZabbixIpmi or PollSoftware.IpmitoolCron
                && !siteUsers.Exists(u => u.Item1 == job.User))
            {
                siteUsers.Add((job.User, job.Password));
            }
        }

        var dhcpPolicy = r.Next(3); // 0 static, 1 DHCP, 2 mixed
        var bmcs = new List<Bmc>();
        var address = subnet + 64 + (uint)r.Next(0, 32);
        var br = RandomStreams.Create(options.Seed, "site/bmcs");
        for (var i = 0; i < options.Bmcs; i++)
        {
            if (br.Chance(0.08))
            {
                address += (uint)br.Next(1, 4);
            }

            if (address >= subnet + size - 2 || used.Contains(address))
            {
                address = subnet + 48;
                while (used.Contains(address) || address == gatewayIp)
                {
                    address++;
                }
            }

            var vendor = br.NextDouble() switch
            {
                < 0.55 => main,
                < 0.8 => second,
                _ => vendors[br.Next(vendors.Length)],
            };
            var bmc = BmcFactory.Create(br, vendor, i, address, true, naming, sitePrefix, siteUsers);
            bmc.Dhcp = dhcpPolicy == 1 || (dhcpPolicy == 2 && br.Chance(0.5));
            bmc.UsesDns = dnsPolicy == 1 || (dnsPolicy == 2 && br.Chance(0.5));
            used.Add(address);
            bmcs.Add(bmc);
            address++;
        }

        var domainParts = domain.Split('.');
        var site = new Site
        {
            Seed = options.Seed,
            TrafficSeed = RandomStreams.Create(options.Seed, "traffic/" + start.ToString(CultureInfo.InvariantCulture)).Next(),
            Start = start,
            End = end,
            BulkScale = options.BulkScale,
            Domain = domain,
            UtcOffset = utcOffset,
            ChangeDay = changeDay,
            ChangeStartHour = changeStart,
            ChangeHours = changeHours,
            SubnetBase = subnet,
            PrefixLength = prefix,
            HostNetworkBase = hostNet,
            Gateway = gateway,
            NtpServers = ntp,
            Dns = dns,
            DhcpServer = dhcp,
            Syslog = syslog,
            TrapReceiver = trap,
            Ldap = ldap,
            LdapPort = ldapPort,
            LdapBaseDn = "dc=" + string.Join(",dc=", domainParts[^2..]),
            Pollers = pollers,
            Jobs = jobs,
            JumpHosts = jumps,
            Admins = admins,
            Bmcs = bmcs,
            DhcpLease = lease,
            DnsTtl = dnsTtl,
            TrapCommunity = trapCommunity,
            UsedAddresses = used,
        };

        foreach (var h in hosts)
        {
            site.AttachToWire(h);
        }

        site.AttachToWire(dhcp);

        PlanReboots(site);
        PlanRestarts(site);
        AdminPlanner.Plan(site);
        return site;
    }

    private static List<PollJob> PlanJobs(SimulationOptions options, List<Host> pollers)
    {
        var r = RandomStreams.Create(options.Seed, "site/jobs");
        var softwares = new List<PollSoftware>();
        var ipmi = new[] { PollSoftware.IpmiExporter, PollSoftware.NagiosIpmi, PollSoftware.ZabbixIpmi, PollSoftware.IpmitoolCron };
        var first = r.Pick(ipmi);
        softwares.Add(first);
        if (r.Chance(0.4))
        {
            var other = r.Pick(ipmi);
            if (other != first)
            {
                softwares.Add(other);
            }
        }

        softwares.Add(r.Chance(0.6) ? PollSoftware.SnmpV2c : PollSoftware.SnmpV3);
        if (r.Chance(0.6))
        {
            softwares.Add(PollSoftware.Redfish);
        }

        // More pollers than jobs: the extra ones duplicate a job (an HA pair of Prometheus servers, a
        // second Nagios satellite), which is how real sites end up with several identical pollers.
        while (softwares.Count < pollers.Count)
        {
            softwares.Add(softwares[r.Next(softwares.Count)]);
        }

        var jobs = new List<PollJob>();
        for (var i = 0; i < softwares.Count; i++)
        {
            var poller = pollers[i % pollers.Count];
            var s = softwares[i];
            var user = s switch
            {
                PollSoftware.IpmiExporter => r.Pick(["prometheus", "monitor", "ipmi-exporter"]),
                PollSoftware.NagiosIpmi => r.Pick(["nagios", "icinga", "monitor"]),
                PollSoftware.ZabbixIpmi => "zabbix",
                PollSoftware.IpmitoolCron => r.Pick(["ops", "svc_ipmi", "inventory"]),
                PollSoftware.SnmpV3 => r.Pick(["zbxsnmp", "nmsuser", "snmpmon"]),
                PollSoftware.Redfish => r.Pick(["redfish-ro", "inventory", "ome"]),
                _ => "",
            };

            // Jobs of the same software share an account (the HA pair is configured identically).
            var existing = jobs.Find(j => j.Software == s);
            jobs.Add(new PollJob
            {
                Poller = poller,
                Software = s,
                Period = existing?.Period ?? s switch
                {
                    PollSoftware.IpmiExporter => SimTime.Second * r.Pick([30, 30, 45, 60]),
                    PollSoftware.NagiosIpmi => SimTime.Minute * r.Pick([1, 2, 5]),
                    PollSoftware.ZabbixIpmi => SimTime.Minute,
                    PollSoftware.IpmitoolCron => 5 * SimTime.Minute,
                    PollSoftware.SnmpV2c => 5 * SimTime.Minute,
                    PollSoftware.SnmpV3 => SimTime.Minute,
                    _ => SimTime.Minute * r.Pick([5, 10, 15]),
                },
                User = existing?.User ?? user,
                Password = existing?.Password ?? BmcFactory.Password(r),
                Role = existing?.Role ?? (s == PollSoftware.IpmitoolCron || r.Chance(0.6) ? (byte)0x14 : (byte)0x13),
                PrefersSuite17 = existing?.PrefersSuite17 ?? (s == PollSoftware.IpmitoolCron || r.Chance(0.3)),
                Collectors = existing?.Collectors ?? (s == PollSoftware.IpmiExporter ? PickCollectors(r) : []),
                Community = existing?.Community ?? r.Pick(["n0c-r3ad", "monitor2024", "oobRO", "mgmt-ro", "c0mmun1ty"]) + r.Next(10, 99).ToString(CultureInfo.InvariantCulture),
                Privacy = existing?.Privacy ?? r.Chance(0.6),
                UsesNames = existing?.UsesNames ?? r.Chance(0.5),
                Heavy = existing?.Heavy ?? r.Chance(0.5),
            });
        }

        return jobs;
    }

    private static string[] PickCollectors(Random r)
    {
        var all = new[] { "ipmi", "bmc", "chassis", "dcmi", "sel" };
        var list = new List<string> { "ipmi" };
        foreach (var c in all[1..])
        {
            if (r.Chance(0.4))
            {
                list.Add(c);
            }
        }

        return [.. list];
    }

    private static void PlanReboots(Site site)
    {
        foreach (var bmc in site.Bmcs)
        {
            var r = RandomStreams.Create(site.TrafficSeed, "site/reboots/" + bmc.Index.ToString(CultureInfo.InvariantCulture));

            // About one spontaneous reboot per BMC per 60 days: rare, but a large site sees a few a day.
            var t = site.Start + (long)(r.Exponential(60.0 * SimTime.Day));
            while (t < site.End)
            {
                var up = t + r.Seconds(60, 300);
                bmc.AddOutage(new Outage(t, up, OutageReason.Reboot));
                t = up + (long)r.Exponential(60.0 * SimTime.Day);
            }
        }
    }

    private static void PlanRestarts(Site site)
    {
        for (var i = 0; i < site.Jobs.Count; i++)
        {
            var r = RandomStreams.Create(site.TrafficSeed, "site/restarts/" + i.ToString(CultureInfo.InvariantCulture));

            // A poller service restarts (upgrade, config change, crash) about every three days.
            var t = site.Start + (long)r.Exponential(3.0 * SimTime.Day);
            while (t < site.End)
            {
                site.Jobs[i].Restarts.Add(t);
                t += (long)r.Exponential(3.0 * SimTime.Day);
            }
        }
    }

    private static byte[] Mac(Random r, byte[] oui)
    {
        var mac = new byte[6];
        oui.CopyTo(mac, 0);
        mac[3] = (byte)r.Next(256);
        mac[4] = (byte)r.Next(256);
        mac[5] = (byte)r.Next(256);
        return mac;
    }
}
