namespace MgmtWatch.Core.Output;

/// <summary>
/// Lists of <c>name=value</c> pairs: the analyzer fields of a flow record (<see cref="FlowRecord.Fields"/>) and
/// the evidence of an alert (<see cref="AlertEvent.Evidence"/>).
/// </summary>
internal static class NamedValues
{
    /// <summary>Adds <c>name=value</c> when there is a value; what was never seen is left out, as Zeek leaves a column unset.</summary>
    public static void AddIfSet(this List<KeyValuePair<string, string>> values, string name, string? value)
    {
        if (value is not null)
        {
            values.Add(new(name, value));
        }
    }
}
