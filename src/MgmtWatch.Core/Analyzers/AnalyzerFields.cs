namespace MgmtWatch.Core.Analyzers;

/// <summary>Writing an analyzer's fields at flow end (<see cref="IProtocolAnalyzer.OnFlowEnd"/>).</summary>
internal static class AnalyzerFields
{
    /// <summary>Adds <c>name=value</c> when the analyzer saw a value; what it never saw is left out, as Zeek leaves a column unset.</summary>
    public static void AddIfSet(this List<KeyValuePair<string, string>> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Add(new(name, value));
        }
    }
}
