using System.Globalization;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Evaluation;

/// <summary>
/// Ground truth read from the simulator's labels CSV, header
/// <c>campaign,attack,start,end,proto,src_ip,src_port,dst_ip,dst_port,description</c> (times ISO 8601 UTC,
/// <c>*</c> for any port or host). Fields may be double-quoted (RFC 4180), with "" for a quote.
/// </summary>
public sealed class LabelSet
{
    private static readonly string[] Header = ["campaign", "attack", "start", "end", "proto", "src_ip", "src_port", "dst_ip", "dst_port", "description"];

    /// <summary>Rows accepted at most; a labels file is small, anything larger is a mistake.</summary>
    public const int MaxRows = 1_000_000;

    private LabelSet(IReadOnlyList<LabelRow> rows) => Rows = rows;

    /// <summary>The rows.</summary>
    public IReadOnlyList<LabelRow> Rows { get; }

    /// <summary>The campaigns, in order of first appearance.</summary>
    public IReadOnlyList<(string Campaign, string Attack)> Campaigns => Rows.Select(r => (r.Campaign, r.Attack)).Distinct().ToList();

    /// <summary>Reads a labels file; throws <see cref="InvalidDataException"/> naming the line when it is malformed.</summary>
    public static LabelSet Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses labels CSV text.</summary>
    public static LabelSet Parse(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine();
        if (header is null || !SplitCsv(header).Select(h => h.Trim()).SequenceEqual(Header))
        {
            throw new InvalidDataException($"{name}: line 1 must be the header {string.Join(',', Header)}");
        }

        var rows = new List<LabelRow>();
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (rows.Count >= MaxRows)
            {
                throw new InvalidDataException($"{name}: more than {MaxRows} rows");
            }

            var f = SplitCsv(line);
            if (f.Count != Header.Length)
            {
                throw new InvalidDataException($"{name}: line {number} has {f.Count} fields, expected {Header.Length}");
            }

            try
            {
                rows.Add(new LabelRow(f[0], f[1], Time(f[2]), Time(f[3]), Protocol(f[4]), Host(f[5]), Port(f[6]), Host(f[7]), Port(f[8]), f[9]));
            }
            catch (FormatException ex)
            {
                throw new InvalidDataException($"{name}: line {number}: {ex.Message}", ex);
            }
        }

        return new LabelSet(rows);
    }

    /// <summary>The rows a flow matches.</summary>
    public bool IsMalicious(HostAddress orig, ushort origPort, HostAddress resp, ushort respPort, byte protocol, long start, long end)
    {
        foreach (var row in Rows)
        {
            if (row.MatchesFlow(orig, origPort, resp, respPort, protocol, start, end))
            {
                return true;
            }
        }

        return false;
    }

    private static long Time(string s)
    {
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            throw new FormatException($"'{s}' is not an ISO 8601 time");
        }

        return (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
    }

    private static byte? Protocol(string s) => s switch
    {
        "*" or "" => null,
        "tcp" => IpProtocol.Tcp,
        "udp" => IpProtocol.Udp,
        "icmp" => IpProtocol.Icmp,
        _ => byte.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : throw new FormatException($"unknown protocol '{s}'"),
    };

    private static HostAddress? Host(string s) =>
        s is "*" or "" ? null : HostAddress.TryParse(s, out var a) ? a : throw new FormatException($"'{s}' is not an address");

    private static ushort? Port(string s) =>
        s is "*" or "" ? null : ushort.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : throw new FormatException($"'{s}' is not a port");

    /// <summary>Splits one CSV line (RFC 4180 quoting).</summary>
    internal static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
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
