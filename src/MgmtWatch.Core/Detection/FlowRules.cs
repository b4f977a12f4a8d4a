using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>The generic behaviour rules, run on every finished flow (and, for console sessions, on interim records).</summary>
internal sealed class FlowRules
{
    private readonly IFlowRule[] _rules;
    private readonly RemoteConsoleRule _consoles = new();
    private readonly RuleContext _context;

    public FlowRules(RuleContext context)
    {
        _context = context;
        _rules =
        [
            new PortScanRule(context.Settings),
            new HostSweepRule(context.Settings),
            new LoginBruteForceRule(context.Settings),
            new BeaconRule(context.Settings),
            new BmcOutboundRule(),
            new BmcLateralRule(),
            new ServerIdentityRule(),
        ];
    }

    public void OnFlowEnd(FlowRecord flow)
    {
        // A console session is worth reporting while it lasts; everything else is judged once, at the end.
        _consoles.Evaluate(flow, _context);
        if (flow.Reason == FlowEndReason.Interim)
        {
            return;
        }

        _context.Learn(flow);
        foreach (var rule in _rules)
        {
            rule.Evaluate(flow, _context);
        }
    }

    /// <summary>An attempt the responder did not take up: no reply, refused, or reset.</summary>
    public static bool Failed(FlowRecord flow) =>
        flow.RespPackets == 0 || (flow.ConnState is "REJ" or "RSTOS0" or "RSTRH" or "SH" or "SHR" or "OTH" && flow.RespBytes == 0);

    public static ulong Hash(HostAddress a) => (ulong)a.GetHashCode() ^ (a.Low * 0x9E37_79B9_7F4A_7C15UL) ^ a.High;
}
