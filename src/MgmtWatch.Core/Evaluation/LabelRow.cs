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
    /// pattern's (either orientation; a wildcard matches any host), within the window widened by
    /// <paramref name="slackNs"/> (alerts come when flows end).
    /// </summary>
    public bool MatchesAlert(HostAddress source, HostAddress destination, long time, long slackNs)
    {
        if (time < Start - slackNs || time > End + slackNs)
        {
            return false;
        }

        return Hosts(source, destination) || Hosts(destination, source);
    }

    private bool Endpoints(HostAddress a, ushort aPort, HostAddress b, ushort bPort) =>
        Hosts(a, b) && (Protocol == IpProtocol.Icmp
            || ((SourcePort is null || SourcePort == aPort) && (DestinationPort is null || DestinationPort == bPort)));

    private bool Hosts(HostAddress a, HostAddress b) =>
        (SourceIp is not { } s || s.Contains(a)) && (DestinationIp is not { } d || d.Contains(b));
}
