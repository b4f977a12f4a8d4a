using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A BMC opening a connection to an address outside the management network (threats.md S7): BMCs answer;
/// the few they call (NTP, DNS, syslog, vendor call-home) are in the baseline, so with a model only pairs
/// the baseline never had are reported; without one, any public destination is.
/// </summary>
internal sealed class BmcOutboundRule : IFlowRule
{
    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (!context.BmcIsClient(flow) || context.IsInside(flow.RespHost) || IsMulticastOrBroadcast(flow))
        {
            return;
        }

        if (context.Baseline is { } b && b.KnowsPair(flow.OrigHost, flow.RespHost))
        {
            return;
        }

        var service = ServiceKey.Of(flow);
        context.Alert(Signatures.BmcOutbound, flow, flow.OrigHost, flow.RespHost,
            $"{flow.OrigHost}, a BMC, opened {service} to {flow.RespHost}:{flow.RespPort}, outside the management network",
            [new("service", service), new("answered", flow.RespPackets > 0 ? "yes" : "no")]);
    }

    private static bool IsMulticastOrBroadcast(FlowRecord flow)
    {
        var a = flow.RespHost;
        return a.IsV4 ? (a.V4 >> 28) == 0xE || a.V4 == 0xFFFF_FFFF : (a.High >> 56) == 0xFF;
    }
}
