namespace MgmtWatch.Core.Detection;

/// <summary>
/// What the site tells MgmtWatch about its management network, for rules that need to know roles rather
/// than learn them. Every setting defaults to empty, meaning "unknown": rules then fall back to what
/// they can learn from the traffic, and say so in their explanation.
/// </summary>
public sealed record SiteSettings
{
    /// <summary>No site knowledge.</summary>
    public static SiteSettings Default { get; } = new();

    /// <summary>
    /// Networks of the management stations (SNMP managers, pollers, admin jump hosts): hosts allowed to
    /// change BMC configuration. Empty: not configured.
    /// </summary>
    public NetworkSet ManagerNetworks { get; init; } = NetworkSet.Empty;
}
