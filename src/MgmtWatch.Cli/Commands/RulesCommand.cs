using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Cli.Commands;

/// <summary>
/// <c>mgmtwatch rules [--format text|json|markdown]</c>: the rule catalog, so a SOC can map signature ids
/// to meanings and thresholds without reading code. The README's rule table is this command's markdown,
/// and a test keeps the two equal.
/// </summary>
internal static class RulesCommand
{
    private static readonly Option<string> Format = new("--format")
    {
        Description = "text (a table for people), json (one JSON object per rule, for tools) or markdown (the README's table)",
        DefaultValueFactory = _ => "text",
    };

    public static Command Create()
    {
        Format.AcceptOnlyFromAmong("text", "json", "markdown");
        var command = new Command("rules", "List every rule: signature id, severity, what it looks for, its thresholds and their defaults") { Format };
        command.SetAction(parse =>
        {
            var text = parse.GetValue(Format) switch
            {
                "json" => Json(),
                "markdown" => Markdown(),
                _ => Text(),
            };
            Console.Out.Write(text);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The README's table.</summary>
    internal static string Markdown()
    {
        var b = new StringBuilder();
        b.Append("| sid | severity | rule | what it looks for | thresholds (`--threshold NAME=VALUE`) |\n");
        b.Append("| ---: | :---: | --- | --- | --- |\n");
        foreach (var s in Signatures.All)
        {
            var thresholds = string.Join("<br>", s.Thresholds.Select(t => $"`{t.Name}` = {Number(t.Default)}: {t.Meaning}"));
            var needs = s.NeedsBaseline ? " *Needs a model.*" : "";
            b.Append(CultureInfo.InvariantCulture, $"| {s.Id} | {s.Severity} | {s.Message} | {s.Explanation}{needs} | {thresholds} |\n");
        }

        return b.ToString();
    }

    private static string Text()
    {
        var b = new StringBuilder();
        foreach (var s in Signatures.All)
        {
            b.Append(CultureInfo.InvariantCulture, $"{s.Id}  severity {s.Severity}  {s.Message}\n");
            b.Append(CultureInfo.InvariantCulture, $"         {s.Explanation}{(s.NeedsBaseline ? " Needs a model." : "")}\n");
            foreach (var t in s.Thresholds)
            {
                b.Append(CultureInfo.InvariantCulture, $"         --threshold {t.Name}={Number(t.Default)}  ({t.Meaning})\n");
            }
        }

        return b.ToString();
    }

    private static string Json()
    {
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var s in Signatures.All)
        {
            using (var w = new Utf8JsonWriter(stream, options))
            {
                w.WriteStartObject();
                w.WriteNumber("signature_id", s.Id);
                w.WriteNumber("rev", s.Revision);
                w.WriteString("signature", s.Message);
                w.WriteString("category", s.Category);
                w.WriteNumber("severity", s.Severity);
                w.WriteBoolean("needs_model", s.NeedsBaseline);
                w.WriteString("explanation", s.Explanation);
                w.WriteStartArray("thresholds");
                foreach (var t in s.Thresholds)
                {
                    w.WriteStartObject();
                    w.WriteString("name", t.Name);
                    w.WriteNumber("default", t.Default);
                    w.WriteString("meaning", t.Meaning);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
