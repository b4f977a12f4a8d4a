using System.Globalization;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A BMC contacting one destination on a clockwork rhythm with steady sizes, where the destination is
/// outside the management network or (with a model) a pair the baseline never had (threats.md §11, S8).
/// Periodicity alone is normal on a management network (every poller is periodic); periodicity from a BMC
/// to somewhere new is how an implant checks in.
/// </summary>
internal sealed class BeaconRule : IFlowRule
{
    private readonly SeriesTracker _series = new();
    private readonly int _minimum;
    private readonly double _score;

    public BeaconRule(DetectionSettings settings)
    {
        _minimum = (int)settings[Signatures.Beacon.Thresholds[0]];
        _score = settings[Signatures.Beacon.Thresholds[1]];
    }

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (!context.BmcIsClient(flow))
        {
            return;
        }

        var newDestination = context.Baseline is { } b ? !b.KnowsPair(flow.OrigHost, flow.RespHost) : !context.IsInside(flow.RespHost);
        if (!newDestination)
        {
            return;
        }

        var service = ServiceKey.Of(flow);
        var (connections, score) = _series.Observe(flow.OrigHost, flow.RespHost, service, flow.Start, flow.OrigBytes + flow.RespBytes);
        if (connections >= _minimum && score >= _score)
        {
            context.Alert(Signatures.Beacon, flow, flow.OrigHost, flow.RespHost,
                string.Create(CultureInfo.InvariantCulture,
                    $"{flow.OrigHost}, a BMC, contacted {flow.RespHost}:{flow.RespPort} ({service}) {connections} times on a regular rhythm (beacon score {score:0.00})"),
                [new("connections", connections.ToString(CultureInfo.InvariantCulture)), new("beacon_score", score.ToString("0.00", CultureInfo.InvariantCulture))],
                incidentKey: service);
        }
    }
}
