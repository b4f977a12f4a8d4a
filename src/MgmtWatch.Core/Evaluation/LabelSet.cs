using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;
using MgmtWatch.Core.Simulation;

namespace MgmtWatch.Core.Evaluation;

/// <summary>
/// Ground truth for <c>evaluate</c>: the rows of a labels CSV in the format the simulator writes
/// (<see cref="LabelsFile"/>, which reads it), held in the form flows are matched against: packet-time
/// nanoseconds, protocol numbers and address prefixes.
/// </summary>
public sealed class LabelSet
{
    private LabelSet(IReadOnlyList<LabelRow> rows) => Rows = rows;

    /// <summary>The rows.</summary>
    public IReadOnlyList<LabelRow> Rows { get; }

    /// <summary>The campaigns, in order of first appearance.</summary>
    public IReadOnlyList<(string Campaign, string Attack)> Campaigns => Rows.Select(r => (r.Campaign, r.Attack)).Distinct().ToList();

    /// <summary>An empty set: every flow is normal.</summary>
    public static LabelSet Empty { get; } = new([]);

    /// <summary>Reads a labels file; throws <see cref="InvalidDataException"/> naming the file and line when it is malformed.</summary>
    public static LabelSet Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Parses labels CSV text; <paramref name="name"/> names it in errors.</summary>
    public static LabelSet Parse(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            return new LabelSet(LabelsFile.Read(reader).Select(Convert).ToList());
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"{name}: {ex.Message}", ex);
        }
    }

    /// <summary>Whether a flow matches any row.</summary>
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

    private static LabelRow Convert(Simulation.LabelRow row) => new(
        row.Campaign,
        row.Attack,
        Nanoseconds(row.Start),
        Nanoseconds(row.End),
        row.Protocol switch { "tcp" => IpProtocol.Tcp, "udp" => IpProtocol.Udp, _ => IpProtocol.Icmp },
        Prefix(row.SourceIp),
        (ushort?)row.SourcePort,
        Prefix(row.DestinationIp),
        (ushort?)row.DestinationPort,
        row.Description);

    private static long Nanoseconds(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static NetworkPrefix? Prefix(string text) =>
        text == "*" ? null
        : NetworkPrefix.TryParse(text, out var prefix, out var error) ? prefix
        : throw new FormatException(error ?? string.Create(CultureInfo.InvariantCulture, $"'{text}' is not an address"));
}
