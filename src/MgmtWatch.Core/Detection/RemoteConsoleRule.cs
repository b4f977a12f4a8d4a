using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A remote console or virtual-media session opened by a host that never opened one in the baseline
/// (threats.md S12): consoles are how admins fix a hung server, and how an intruder with stolen BMC
/// credentials types into the host or mounts an image on it. The few admin stations that use them are in
/// the baseline. Also run on interim records, so a session that lasts all day is reported while it lasts.
/// Needs a baseline: without a model nothing is "new".
/// </summary>
internal sealed class RemoteConsoleRule : IFlowRule
{
    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (context.Baseline is not { } baseline || flow.Field("kvm.kind") is not { } kind)
        {
            return;
        }

        // The baseline remembers a console on 5900 that was not RFB as "tcp/5900": the flow's own service
        // key, or any protocol of the same kind, counts as having done it before.
        var virtualMedia = kind == "virtual-media";
        var known = baseline.KnowsClientService(flow.OrigHost, ServiceKey.Of(flow)) || (virtualMedia
            ? baseline.KnowsClientService(flow.OrigHost, "vmedia")
            : baseline.KnowsClientService(flow.OrigHost, "rfb") || baseline.KnowsClientService(flow.OrigHost, "kvm"));
        if (known)
        {
            return;
        }

        var signature = virtualMedia ? Signatures.VirtualMediaFromNewHost : Signatures.KvmFromNewHost;
        var what = virtualMedia ? "a virtual-media session" : "a remote console session";
        context.Alert(signature, flow, flow.OrigHost, flow.RespHost,
            $"{flow.OrigHost} opened {what} ({flow.Service ?? "unknown protocol"}) to {flow.RespHost}:{flow.RespPort}; it never opened one in the baseline",
            [new("kvm.kind", kind), new("service", flow.Service ?? "-"), new("pair_known", baseline.KnowsPair(flow.OrigHost, flow.RespHost) ? "yes" : "no")]);
    }
}
