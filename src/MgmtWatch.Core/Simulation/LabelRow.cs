using System.Globalization;
using System.Net;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// One row of a simulator label file: an attack flow pattern (see <see cref="LabelsFile"/> for the format).
/// A flow is malicious if and only if it matches at least one row.
/// </summary>
/// <param name="Campaign">Stable campaign id, <c>c&lt;NN&gt;-&lt;attack&gt;</c> (e.g. <c>c04-rakp-hash-harvest</c>).</param>
/// <param name="Attack">The attack name as given to <c>--attack</c>.</param>
/// <param name="Start">Timestamp of the first packet of the pattern (UTC, microsecond precision).</param>
/// <param name="End">Timestamp of the last packet of the pattern.</param>
/// <param name="Protocol"><c>tcp</c>, <c>udp</c> or <c>icmp</c>.</param>
/// <param name="SourceIp">The side that started the pattern: an IPv4 address, or a CIDR prefix for sweeps.</param>
/// <param name="SourcePort">The source port, or null for any (<c>*</c>).</param>
/// <param name="DestinationIp">The other side: an address or a CIDR prefix.</param>
/// <param name="DestinationPort">The destination port, or null for any (<c>*</c>).</param>
/// <param name="Description">What the pattern is, in one sentence.</param>
public sealed record LabelRow(
    string Campaign,
    string Attack,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Protocol,
    string SourceIp,
    int? SourcePort,
    string DestinationIp,
    int? DestinationPort,
    string Description)
{
    private IPNetwork? _source;
    private IPNetwork? _destination;

    /// <summary>
    /// True when a flow between <paramref name="a"/>:<paramref name="aPort"/> and
    /// <paramref name="b"/>:<paramref name="bPort"/> (either direction) with <paramref name="protocol"/>
    /// (<c>tcp</c>/<c>udp</c>/<c>icmp</c>, any case) and lasting from <paramref name="flowStart"/> to
    /// <paramref name="flowEnd"/> (inclusive) matches this row. Ports are ignored for ICMP.
    /// </summary>
    public bool Matches(string protocol, IPAddress a, int aPort, IPAddress b, int bPort, DateTimeOffset flowStart, DateTimeOffset flowEnd)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!string.Equals(protocol, Protocol, StringComparison.OrdinalIgnoreCase) || flowEnd < Start || flowStart > End)
        {
            return false;
        }

        var icmp = string.Equals(Protocol, "icmp", StringComparison.Ordinal);
        return Side(a, aPort, b, bPort, icmp) || Side(b, bPort, a, aPort, icmp);
    }

    /// <summary>The row as one CSV line (without the line end), fields in <see cref="LabelsFile.Header"/> order.</summary>
    public string ToCsv() => string.Join(',',
        LabelsFile.Quote(Campaign),
        LabelsFile.Quote(Attack),
        SimTime.Iso(SimTime.FromDateTimeOffset(Start)),
        SimTime.Iso(SimTime.FromDateTimeOffset(End)),
        Protocol,
        SourceIp,
        Port(SourcePort),
        DestinationIp,
        Port(DestinationPort),
        LabelsFile.Quote(Description));

    private static string Port(int? port) => port is null ? "*" : port.Value.ToString(CultureInfo.InvariantCulture);

    private bool Side(IPAddress src, int srcPort, IPAddress dst, int dstPort, bool icmp) =>
        Inside(SourceIp, ref _source, src)
        && Inside(DestinationIp, ref _destination, dst)
        && (icmp || ((SourcePort is null || SourcePort == srcPort) && (DestinationPort is null || DestinationPort == dstPort)));

    private static bool Inside(string text, ref IPNetwork? parsed, IPAddress address) =>
        text == "*" || (parsed ??= Network(text)).Contains(address);

    private static IPNetwork Network(string text) =>
        text.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(text) : new IPNetwork(IPAddress.Parse(text), 32);
}
