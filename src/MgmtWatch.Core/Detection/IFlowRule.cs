using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>A rule that judges finished flows (scans, brute force, beacons, BMC behaviour).</summary>
internal interface IFlowRule
{
    /// <summary>Considers one finished flow.</summary>
    void Evaluate(FlowRecord flow, RuleContext context);
}
