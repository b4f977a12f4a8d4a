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
            var expected = new MemoryStream();
            using (var w = new Utf8JsonWriter(expected, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteNumber("first", 1);
                foreach (var (name, value) in fields)
                {
                    w.WriteString(prefix + name, value);
                }

                w.WriteBoolean("after", true);
                w.WriteEndObject();
            }

            var actual = new MemoryStream();
            using (var lines = new JsonLinesWriter(actual))
            {
                var w = lines.Begin();
                w.WriteStartObject();
                w.WriteNumber("first", 1);
                lines.WriteStringProperties(Encoding.UTF8.GetBytes(prefix), fields);
                w.WriteBoolean("after", true);
                w.WriteEndObject();
                lines.End();
                lines.Flush();
            }

            Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()) + "\n", Encoding.UTF8.GetString(actual.ToArray()));
            using var parsed = JsonDocument.Parse(actual.ToArray());
            Assert.Equal(fields.Count + 2, parsed.RootElement.EnumerateObject().Count());
        }
    }

    [Fact]
    public void NoFieldsLeaveTheRecordAsTheWriterMadeIt()
    {
        var actual = new MemoryStream();
        using (var lines = new JsonLinesWriter(actual))
        {
            var w = lines.Begin();
            w.WriteStartObject();
            w.WriteString("uid", "C1");
            lines.WriteStringProperties("mgmtwatch."u8, []);
            w.WriteEndObject();
            lines.End();
            lines.Flush();
        }

        Assert.Equal("{\"uid\":\"C1\"}\n", Encoding.UTF8.GetString(actual.ToArray()));
    }
}
