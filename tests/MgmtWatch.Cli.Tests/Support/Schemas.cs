using System.Text.Json;
using Json.Schema;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Cli.Tests.Support;

/// <summary>Validates output lines against the schemas shipped in Core/Output/Schemas.</summary>
public static class Schemas
{
    private static readonly Lazy<JsonSchema> EveSchema = new(() => JsonSchema.FromText(OutputSchemas.Eve));
    private static readonly Lazy<JsonSchema> ConnSchema = new(() => JsonSchema.FromText(OutputSchemas.Conn));

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    public static void AssertEve(string line) => Assert(EveSchema.Value, line, "EVE");

    public static void AssertConn(string line) => Assert(ConnSchema.Value, line, "flow log");

    private static void Assert(JsonSchema schema, string line, string what)
    {
        using var document = JsonDocument.Parse(line);
        var result = schema.Evaluate(document.RootElement, Options);
        if (!result.IsValid)
        {
            var errors = (result.Details ?? [])
                .Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
            Xunit.Assert.Fail($"{what} line does not match its schema: {string.Join("; ", errors)}\n{line}");
        }
    }

    public static IEnumerable<JsonElement> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement);
}
