using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// One source trying one service on many hosts, mostly into the void (threats.md §6, §16): a sweep of the
/// management subnet for SSH, HTTPS, SNMP or UDP 623 finds the few live hosts among many silent addresses.
/// A poller reaching forty BMCs every minute is answered by each and is not counted. IPMI sweeps are left to
/// the IPMI analyzer's own discovery-sweep rule (9101008), which knows a probe from a login: one incident,
/// one alert.
/// </summary>
internal sealed class HostSweepRule : IFlowRule
{
    /// <summary>Sources (or source and target) tracked at most: a spray of spoofed sources cannot grow it.</summary>
    private const int MaxKeys = 50_000;

    private readonly WindowedDistinctCounter<(HostAddress, ushort, byte), ulong> _hosts;
    private readonly int _threshold;
    private readonly long _window;

    public HostSweepRule(DetectionSettings settings)
    {
        _threshold = (int)settings[Signatures.HostSweep.Thresholds[0]];
        _hosts = new(MaxKeys, Math.Clamp(_threshold, 1, 1024));
        _window = settings.Nanoseconds(Signatures.HostSweep.Thresholds[1]);
    }

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (!FlowRules.Failed(flow) || flow.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.Icmp) || flow.Service == "ipmi")
        {
            return;
        }

        var hosts = _hosts.Add((flow.OrigHost, flow.RespPort, flow.Protocol), FlowRules.Hash(flow.RespHost), flow.Start, _window);
        if (hosts >= _threshold)
        {
            var service = Features.ServiceKey.Of(flow);
            context.Alert(Signatures.HostSweep, flow, flow.OrigHost, flow.RespHost,
                string.Create(CultureInfo.InvariantCulture, $"{flow.OrigHost} tried {service} on {hosts} hosts within {_window / 1_000_000_000} s, unanswered or refused"),
                [new("hosts", hosts.ToString(CultureInfo.InvariantCulture)), new("service", service)],
                incidentKey: service, anyDestination: true);
        }
    }
}
