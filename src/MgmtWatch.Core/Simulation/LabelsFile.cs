using System.Globalization;
using System.Net;
using System.Text;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// The simulator's ground truth: a CSV file (RFC 4180, UTF-8, <c>\n</c> line ends) with this header and
/// one row per attack flow pattern:
/// <code>campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port,description</code>
/// <list type="bullet">
/// <item><c>campaign</c>: a stable id <c>c&lt;NN&gt;-&lt;attack&gt;</c>, NN fixed per attack name
/// (<see cref="AttackCatalog"/>), so <c>c04-rakp-hash-harvest</c> means the same thing in every file.</item>
/// <item><c>start</c>/<c>end</c>: ISO 8601 UTC with microseconds (<c>2026-03-02T13:05:12.123456Z</c>), the
/// timestamps of the first and last packet of the pattern.</item>
/// <item><c>proto</c>: <c>tcp</c>, <c>udp</c> or <c>icmp</c>.</item>
/// <item><c>src_ip</c>/<c>dst_ip</c>: an IPv4 address, or a CIDR prefix (<c>10.20.30.0/24</c>) for a sweep of
/// a whole subnet. <c>src</c> is the side that started the pattern. Hand-written files may use <c>*</c> for
/// any host; the simulator never does.</item>
/// <item><c>src_port</c>/<c>dst_port</c>: a number, or <c>*</c> when the pattern spans many ports (a new
/// source port per attempt, a port scan). Ignored for ICMP.</item>
/// <item><c>description</c>: one sentence; quoted when it holds a comma or a quote.</item>
/// </list>
/// A flow is malicious if and only if it matches a row: same protocol, its endpoints equal to the row's
/// (in either direction, ports or <c>*</c>, addresses inside the prefixes), and its time span
/// [first packet, last packet] overlaps [start, end] (inclusive). <see cref="LabelRow.Matches"/> is that
/// rule. The simulator only writes rows that no normal flow can match: attack endpoints are addresses or
/// (address, port) pairs that normal traffic of the site never uses.
/// </summary>
public static class LabelsFile
{
    /// <summary>The header line.</summary>
    public const string Header = "campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port,description";

    /// <summary>Rows read at most: a labels file is small, anything larger is a mistake (or hostile).</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>Writes the header and the rows.</summary>
    public static void Write(TextWriter writer, IEnumerable<LabelRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var row in rows)
        {
            writer.Write(row.ToCsv());
            writer.Write('\n');
        }

        writer.Flush();
    }

    /// <summary>Reads a label file; throws <see cref="FormatException"/> naming the line of a bad row.</summary>
    public static IReadOnlyList<LabelRow> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine();
        if (header != Header)
        {
            throw new FormatException("line 1: expected the header '" + Header + "'");
        }

        var rows = new List<LabelRow>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (rows.Count >= MaxRows)
            {
                throw new FormatException($"more than {MaxRows.ToString(CultureInfo.InvariantCulture)} rows");
            }

            var f = Split(line);
            if (f.Count != 10)
            {
                throw new FormatException($"line {lineNumber.ToString(CultureInfo.InvariantCulture)}: expected 10 fields, found {f.Count.ToString(CultureInfo.InvariantCulture)}");
            }

            try
            {
                rows.Add(new LabelRow(
                    f[0],
                    f[1],
                    DateTimeOffset.Parse(f[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    DateTimeOffset.Parse(f[3], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    f[4] is "tcp" or "udp" or "icmp" ? f[4] : throw new FormatException("proto must be tcp, udp or icmp"),
                    CheckAddress(f[5]),
                    ParsePort(f[6]),
                    CheckAddress(f[7]),
                    ParsePort(f[8]),
                    f[9]));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {ex.Message}", ex);
            }
        }

        return rows;
    }

    /// <summary>Reads a label file from disk.</summary>
    public static IReadOnlyList<LabelRow> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader);
    }

    internal static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static int? ParsePort(string text) =>
        text == "*" ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= ushort.MaxValue ? port
        : throw new FormatException($"'{text}' is not a port or '*'");

    private static string CheckAddress(string text)
    {
        var ok = text == "*" || (text.Contains('/', StringComparison.Ordinal) ? IPNetwork.TryParse(text, out _) : IPAddress.TryParse(text, out _));
        return ok ? text : throw new FormatException($"'{text}' is not an address or CIDR prefix");
    }

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
