namespace MgmtWatch.Core.Simulation;

/// <summary>Creates and prepares the requested campaigns, in catalogue order.</summary>
internal static class Campaigns
{
    public static List<Campaign> Prepare(Site site, SimulationOptions options)
    {
        var list = new List<Campaign>();
        var earliest = site.Start + (options.AttackStart is { } s ? s.Ticks / 10 : (site.End - site.Start) / 10);
        // The malicious flash is prepared first: it takes its BMC down, so the other campaigns then prefer
        // other BMCs. Each campaign draws from its own stream, so the order changes no other choice.
        var order = AttackCatalog.Names.Where(n => n == "firmware-push-unusual").Concat(AttackCatalog.Names.Where(n => n != "firmware-push-unusual"));
        foreach (var name in order)
        {
            if (!options.Attacks.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            Campaign campaign = name switch
            {
                "implant-beacon" => new ImplantBeacon(site),
                "dns-tunnel" => new DnsTunnel(site),
                "exfiltration" => new Exfiltration(site),
                "rakp-hash-harvest" => new RakpHashHarvest(site),
                "cipher-zero" => new CipherZero(site),
                "asf-scan" => new AsfScan(site),
                "snmp-guess" => new SnmpGuess(site),
                "lateral-movement" => new LateralMovement(site),
                "kvm-new-host" => new KvmNewHost(site),
                _ => new FirmwarePushUnusual(site),
            };
            campaign.Prepare(earliest);
            list.Add(campaign);
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return list;
    }
}
