namespace MgmtWatch.Core.Features;

/// <summary>
/// Standardisation shared by training and scoring: z = (x − mean) / std per feature, with context features
/// that only count when they rise. A host quieter than usual, a series shorter than usual, or a flow less
/// periodic than usual is no sign of an attack, and every analysis starts with empty host and series
/// context; letting those departures score would alert on the first minutes of every capture. Protocol
/// evidence (a long DNS label, an unanswered SNMP request) is zero on every flow of another protocol, so
/// only its presence is a departure.
/// </summary>
public static class FeatureScaling
{
    private static readonly bool[] UpwardOnly = FeatureSchema.Names.Select((n, i) => i >= FeatureSchema.FirstProtocolFeature || n is
        "orig_fanout_hosts" or "orig_fanout_ports" or "orig_flow_rate" or "orig_failure_share" or "orig_byte_rate"
        or "resp_fan_in" or "series_connections" or "beacon" or "novel_beacon").ToArray();

    /// <summary>Whether feature <paramref name="index"/> counts only upward departures.</summary>
    public static bool IsUpwardOnly(int index) => UpwardOnly[index];

    /// <summary>Standardises <paramref name="raw"/> into <paramref name="z"/>.</summary>
    public static void Standardize(ReadOnlySpan<float> raw, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> z)
    {
        for (var j = 0; j < mean.Length; j++)
        {
            var value = (raw[j] - mean[j]) / std[j];
            z[j] = UpwardOnly[j] && value < 0 ? 0 : value;
        }
    }
}
