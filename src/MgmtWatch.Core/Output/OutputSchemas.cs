namespace MgmtWatch.Core.Output;

/// <summary>The JSON Schemas of MgmtWatch's outputs, embedded in the library (and in the repository under Output/Schemas).</summary>
public static class OutputSchemas
{
    /// <summary>Schema of one EVE record.</summary>
    public static string Eve => Read("eve.schema.json");

    /// <summary>Schema of one flow log (conn) JSON record.</summary>
    public static string Conn => Read("conn.schema.json");

    private static string Read(string name)
    {
        using var stream = typeof(OutputSchemas).Assembly.GetManifestResourceStream("MgmtWatch.Schemas." + name)
                           ?? throw new InvalidOperationException("embedded schema missing: " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
