namespace MgmtWatch.Core.Simulation;

/// <summary>Creates and prepares the requested campaigns, in catalogue order.</summary>
internal static class Campaigns
{
    public static List<Campaign> Prepare(Site site, SimulationOptions options)
    {
        var list = new List<Campaign>();
        var earliest = site.Start + (options.AttackStart is { } s ? s.Ticks / 10 : (site.End - site.Start) / 10);
        foreach (var name in AttackCatalog.Names)
        {
            if (!options.Attacks.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            Campaign campaign = name switch
            {
                _ => throw new NotSupportedException(name),
            };
            campaign.Prepare(earliest);
            list.Add(campaign);
        }

        return list;
    }
}
