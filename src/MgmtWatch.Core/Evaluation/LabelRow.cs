using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Evaluation;

/// <summary>
/// One ground-truth pattern from a labels CSV: every flow between the two endpoints (either direction;
/// an address prefix holds a sweep's targets), of the protocol, on the ports (null: any; ignored for
/// ICMP, as the simulator's rows mean), overlapping the time window, belongs to the campaign.
/// </summary>
public sealed record LabelRow(
    string Campaign,
    string Attack,
    long Start,
    long End,
    byte Protocol,
    NetworkPrefix? SourceIp,
    ushort? SourcePort,
    NetworkPrefix? DestinationIp,
    ushort? DestinationPort,
    string Description)
{
    /// <summary>Whether a flow matches the pattern (either orientation).</summary>
    public bool MatchesFlow(HostAddress orig, ushort origPort, HostAddress resp, ushort respPort, byte protocol, long start, long end)
    {
        if (Protocol != protocol)
        {
            return false;
        }

        if (end < Start || start > End)
        {
            return false;
        }

        return Endpoints(orig, origPort, resp, respPort) || Endpoints(resp, respPort, orig, origPort);
    }

    /// <summary>
    /// Whether an alert between two hosts at <paramref name="time"/> is about this pattern: its hosts are the
    /// pattern's (either orientation; a prefix holds a sweep's targets), within the window widened by
    /// <paramref name="slackNs"/> (alerts come when flows end). A pattern whose other side is any host (a
    /// server showing something to whoever connects) names little by its hosts alone, so an alert that names
    /// ports matches it only on the pattern's ports as well.
    /// </summary>
    public bool MatchesAlert(HostAddress source, ushort? sourcePort, HostAddress destination, ushort? destinationPort, long time, long slackNs)
    {
        if (time < Start - slackNs || time > End + slackNs)
        {
            return false;
        }

        return AlertSide(source, sourcePort, destination, destinationPort) || AlertSide(destination, destinationPort, source, sourcePort);
    }

    private bool AlertSide(HostAddress a, ushort? aPort, HostAddress b, ushort? bPort) =>
        (SourceIp is null || DestinationIp is null) && aPort is { } ap && bPort is { } bp ? Endpoints(a, ap, b, bp) : Hosts(a, b);

    private bool Endpoints(HostAddress a, ushort aPort, HostAddress b, ushort bPort) =>
        Hosts(a, b) && (Protocol == IpProtocol.Icmp
            || ((SourcePort is null || SourcePort == aPort) && (DestinationPort is null || DestinationPort == bPort)));

    private bool Hosts(HostAddress a, HostAddress b) =>
        (SourceIp is not { } s || s.Contains(a)) && (DestinationIp is not { } d || d.Contains(b));
}
