using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Tests.Output;

public class JsonLinesWriterTests
{
    /// <summary>
    /// Printable ASCII (the fast path), the characters JSON must escape, the ones a relaxed encoder leaves
    /// alone, control characters, non-ASCII text, a pair and a lone surrogate (the writers' own choice of
    /// replacement or escape), an empty name and value.
    /// </summary>
    private static readonly string[] Texts =
    [
        "ipmi.version", "2.0", "", "hmac:f5c393a18f82ffb4", "a\"quote", "back\\slash", "<script>&'+`", "tab\there",
        "line\nfeed", "nul\0", "\u007f", "caf\u00e9", "\u202egpj.exe", "emoji \ud83d\ude00", "lone \ud800 surrogate", "\u2028",
        new string('x', 5000), new string('\u00e9', 3000),
    ];

    [Fact]
    public void StringPropertiesAreTheBytesTheJsonWriterWouldWrite()
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var name in Texts)
        {
            foreach (var value in Texts)
            {
                fields.Add(new(name, value));
            }
        }

        foreach (var prefix in new[] { "", "mgmtwatch." })
        {
            // Expected: the same object written field by field through Utf8JsonWriter with the sinks' encoder.
            var expected = ThroughWriter(w =>
            {
                foreach (var (name, value) in fields)
                {
                    w.WriteString(prefix + name, value);
                }

                w.WriteBoolean("after", true);
            });
            var actual = ThroughLines(lines =>
            {
                lines.WriteStringProperties(Encoding.UTF8.GetBytes(prefix), fields);
                lines.Begin().WriteBoolean("after", true);
            });

            Assert.Equal(expected, actual);
            using var parsed = JsonDocument.Parse(actual);
            Assert.Equal(fields.Count + 2, parsed.RootElement.EnumerateObject().Count());
        }
    }

    [Fact]
    public void NoFieldsLeaveTheRecordAsTheWriterMadeIt()
    {
        var actual = ThroughLines(lines => lines.WriteStringProperties("mgmtwatch."u8, []));

        Assert.Equal("{\"first\":1}\n", actual);
    }

    [Fact]
    public void AppendedPropertiesAreTheBytesTheJsonWriterWouldWrite()
    {
        // Every ASCII character inside a short value, and at the edges of the eight-character blocks of
        // longer ones (lengths 8, 9 and 20); then the texts above; as strings and as UTF-8.
        var values = Enumerable.Range(0, 128).Select(c => $"a{(char)c}b").Concat(Texts).ToList();
        foreach (var length in new[] { 8, 9, 20 })
        {
            foreach (var at in new[] { 0, 7, length - 8, length - 1 }.Distinct())
            {
                values.AddRange(Enumerable.Range(0, 128).Select(c => new string('x', at) + (char)c + new string('y', length - at - 1)));
            }
        }

        var numbers = new[] { 0L, 1, -1, 623, long.MaxValue, long.MinValue };

        var expected = ThroughWriter(w =>
        {
            foreach (var value in values)
            {
                w.WriteString("s", value);
                w.WriteString("u8", Encoding.UTF8.GetBytes(value));
            }

            foreach (var n in numbers)
            {
                w.WriteNumber("n", n);
            }

            w.WriteNumber("max", ulong.MaxValue);
            w.WriteBoolean("yes", true);
            w.WriteBoolean("no", false);
            w.WritePropertyName("raw");
            w.WriteRawValue("1.5");
            w.WriteStartObject("nested");
            w.WriteNumber("count", 3);
            w.WriteString("state", "closed");
            w.WriteEndObject();
            w.WriteStartObject("empty");
            w.WriteEndObject();
            w.WriteString("after", "x");
        });
        var actual = ThroughLines(lines =>
        {
            foreach (var value in values)
            {
                lines.AppendString("s"u8, value);
                lines.AppendString("u8"u8, Encoding.UTF8.GetBytes(value));
            }

            foreach (var n in numbers)
            {
                lines.AppendNumber("n"u8, n);
            }

            lines.AppendNumber("max"u8, ulong.MaxValue);
            lines.AppendBoolean("yes"u8, true);
            lines.AppendBoolean("no"u8, false);
            lines.AppendRawValue("raw"u8, "1.5"u8);
            lines.AppendObjectStart("nested"u8);
            lines.AppendNumber("count"u8, 3);
            lines.AppendString("state"u8, "closed");
            lines.AppendObjectEnd();
            lines.AppendObjectStart("empty"u8);
            lines.AppendObjectEnd();
            lines.Begin().WriteString("after", "x");
        });

        Assert.Equal(expected, actual);
        using var parsed = JsonDocument.Parse(actual);
        Assert.Equal("closed", parsed.RootElement.GetProperty("nested").GetProperty("state").GetString());
    }

    [Fact]
    public void AnAppendedObjectRefusesAValueOnlyTheWriterCouldEscape()
    {
        using var lines = new JsonLinesWriter(new MemoryStream());
        lines.Begin().WriteStartObject();
        lines.Begin().WriteNumber("first", 1);
        lines.AppendObjectStart("flow"u8);
        Assert.Throws<InvalidOperationException>(() => lines.AppendString("name"u8, "a\"quote"));
    }

    /// <summary>The line Utf8JsonWriter, with the sinks' encoder, writes for <c>{"first":1, body}</c>.</summary>
    private static string ThroughWriter(Action<Utf8JsonWriter> body)
    {
        var output = new MemoryStream();
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("first", 1);
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.ToArray()) + "\n";
    }

    /// <summary>The line a <see cref="JsonLinesWriter"/> writes for <c>{"first":1, body}</c>, the first property through its writer.</summary>
    private static string ThroughLines(Action<JsonLinesWriter> body)
    {
        var output = new MemoryStream();
        using (var lines = new JsonLinesWriter(output))
        {
            var w = lines.Begin();
            w.WriteStartObject();
            w.WriteNumber("first", 1);
            body(lines);
            w.WriteEndObject();
            lines.End();
            lines.Flush();
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }
}
