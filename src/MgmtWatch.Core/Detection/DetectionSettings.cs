using System.Globalization;

namespace MgmtWatch.Core.Detection;

/// <summary>Threshold values in force: defaults from <see cref="Signatures"/>, overridden by the user.</summary>
public sealed class DetectionSettings
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    /// <summary>Defaults only.</summary>
    public static DetectionSettings Default { get; } = new();

    /// <summary>The value of <paramref name="threshold"/>.</summary>
    public double this[Threshold threshold]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(threshold);
            return _values.TryGetValue(threshold.Name, out var v) ? v : threshold.Default;
        }
    }

    /// <summary>A window threshold as packet-time nanoseconds.</summary>
    public long Nanoseconds(Threshold threshold) => (long)(this[threshold] * 1e9);

    /// <summary>
    /// Parses <c>NAME=VALUE</c> overrides. Returns an error message naming the problem, or null.
    /// </summary>
    public static string? TryParse(IEnumerable<string> settings, out DetectionSettings result)
    {
        ArgumentNullException.ThrowIfNull(settings);
        result = new DetectionSettings();
        var known = Signatures.AllThresholds.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? setting[..eq].Trim() : setting;
            if (!known.ContainsKey(name))
            {
                return $"unknown threshold '{name}'; known: {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))}";
            }

            if (eq <= 0 || !double.TryParse(setting.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsNaN(value))
            {
                return $"invalid threshold '{setting}': expected NAME=NUMBER";
            }

            result._values[name] = value;
        }

        return null;
    }
}
