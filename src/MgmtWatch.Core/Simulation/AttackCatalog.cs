namespace MgmtWatch.Core.Simulation;

/// <summary>
/// The attack campaigns the simulator can add, in a fixed order: a campaign's id is <c>c&lt;NN&gt;-name</c>
/// with NN its position here, the same in every label file.
/// </summary>
public static class AttackCatalog
{
    /// <summary>Every attack name, in id order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "implant-beacon",
        "dns-tunnel",
        "exfiltration",
        "rakp-hash-harvest",
        "cipher-zero",
        "asf-scan",
        "snmp-guess",
        "lateral-movement",
        "kvm-new-host",
        "firmware-push-unusual",
    ];

    /// <summary>True for a known attack name.</summary>
    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The stable campaign id of an attack, e.g. <c>c04-rakp-hash-harvest</c>.</summary>
    public static string CampaignId(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return "c" + (i + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + "-" + name;
            }
        }

        throw new ArgumentException("unknown attack " + name, nameof(name));
    }
}
