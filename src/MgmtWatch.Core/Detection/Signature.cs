namespace MgmtWatch.Core.Detection;

/// <summary>
/// A rule's identity in EVE: a stable signature id from MgmtWatch's local block (9100000–9199999, clear of
/// ET's 2xxxxxx and Suricata's 2200000–2299999), ET-style text, a Suricata classification and a severity.
/// Never reuse a retired id; bump <see cref="Revision"/> when the meaning changes.
/// </summary>
/// <param name="Id">Signature id.</param>
/// <param name="Message">ET-style text: <c>MGMTWATCH &lt;CLASS&gt; &lt;what&gt;</c>.</param>
/// <param name="Category">Suricata classification.config description.</param>
/// <param name="Severity">1 high, 2 medium, 3 low.</param>
/// <param name="Revision">Revision of the rule's meaning.</param>
public sealed record Signature(int Id, string Message, string Category, int Severity, int Revision = 1)
{
    /// <summary>Whether the rule needs a baseline (a trained model) to fire.</summary>
    public bool NeedsBaseline { get; init; }

    /// <summary>What the rule looks for, in one sentence for the README and for people reading an alert.</summary>
    public string Explanation { get; init; } = "";

    /// <summary>Settable thresholds of the rule.</summary>
    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];
}

/// <summary>A settable number a rule compares against.</summary>
/// <param name="Name">Dotted name used with <c>--threshold NAME=VALUE</c>.</param>
/// <param name="Default">Default value.</param>
/// <param name="Meaning">What the number means.</param>
public sealed record Threshold(string Name, double Default, string Meaning);
