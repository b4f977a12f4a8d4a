using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// One source trying many ports of one destination, the attempts unanswered or refused (threats.md §16):
/// nmap's SYN and UDP scans of a BMC look exactly so. Answered flows are not counted, so a busy client of
/// many services on one server does not look like a scan.
/// </summary>
internal sealed class PortScanRule : IFlowRule
{
    /// <summary>Sources (or source and target) tracked at most: a spray of spoofed sources cannot grow it.</summary>
    private const int MaxKeys = 50_000;

    private readonly WindowedDistinctCounter<(HostAddress, HostAddress), ulong> _ports;
    private readonly int _threshold;
    private readonly long _window;

    public PortScanRule(DetectionSettings settings)
    {
        _threshold = (int)settings[Signatures.PortScan.Thresholds[0]];
        _ports = new(MaxKeys, Math.Clamp(_threshold, 1, 1024));
        _window = settings.Nanoseconds(Signatures.PortScan.Thresholds[1]);
    }

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (!FlowRules.Failed(flow) || flow.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp))
        {
            return;
        }

        var ports = _ports.Add((flow.OrigHost, flow.RespHost), ((ulong)flow.Protocol << 16) | flow.RespPort, flow.Start, _window);
        if (ports >= _threshold)
        {
            context.Alert(Signatures.PortScan, flow, flow.OrigHost, flow.RespHost,
                string.Create(CultureInfo.InvariantCulture, $"{flow.OrigHost} tried {ports} ports of {flow.RespHost} within {_window / 1_000_000_000} s, unanswered or refused"),
                [new("ports", ports.ToString(CultureInfo.InvariantCulture)), new("last_port", flow.RespPort.ToString(CultureInfo.InvariantCulture))]);
        }
    }
}
