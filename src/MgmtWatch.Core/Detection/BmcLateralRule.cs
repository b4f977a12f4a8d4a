using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A BMC acting as the client of an interactive or management service inside the network (threats.md S12):
/// IPMI, SSH, HTTP(S), KVM, SMB or RDP to another BMC or to hosts. BMCs are servers; a compromised one
/// moving laterally is a client. With a model, services the BMC used as a client in the baseline are exempt.
/// </summary>
internal sealed class BmcLateralRule : IFlowRule
{
    private static readonly HashSet<string> LateralServices = new(StringComparer.Ordinal)
    {
        "ipmi", "udp/623", "tcp/623", "ssh", "tcp/22", "tcp/23", "tls", "tcp/443", "http", "tcp/80", "tcp/8080", "tcp/8443",
        "rfb", "tcp/5900", "kvm", "vmedia", "tcp/445", "tcp/139", "tcp/3389", "tcp/5985", "tcp/5986",
    };

    /// <summary>
    /// LDAP over TLS (636, and 3269 for a global catalog) is TLS like HTTPS, but it is how a BMC checks an
    /// admin's web or SSH login against the site's directory: every login makes one, so it is not lateral.
    /// </summary>
    private static bool IsDirectoryLogin(FlowRecord flow, string service) => service == "tls" && flow.RespPort is 636 or 3269;

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (!context.BmcIsClient(flow))
        {
            return;
        }

        var service = ServiceKey.Of(flow);
        if (!LateralServices.Contains(service) || IsDirectoryLogin(flow, service))
        {
            return;
        }

        if (context.Baseline is { } b && b.KnowsClientService(flow.OrigHost, service))
        {
            return;
        }

        var target = context.IsBmc(flow.RespHost) ? "another BMC" : context.IsInside(flow.RespHost) ? "a host of the management network" : "a host outside the management network";
        context.Alert(Signatures.BmcLateral, flow, flow.OrigHost, flow.RespHost,
            $"{flow.OrigHost}, a BMC, opened {service} as a client to {flow.RespHost}:{flow.RespPort}, {target}",
            [new("service", service), new("answered", flow.RespPackets > 0 ? "yes" : "no")],
            incidentKey: service);
    }
}
