using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// Many short sessions from one host to one login service of one BMC (threats.md §5): SSH, HTTPS (web UI,
/// Redfish) or cleartext HTTP. Each failed login is a short connection that completes its handshake. When
/// a model is loaded, a client that used this service on this BMC in the baseline (a poller) is exempt.
/// </summary>
internal sealed class LoginBruteForceRule : IFlowRule
{
    /// <summary>Sources (or source and target) tracked at most: a spray of spoofed sources cannot grow it.</summary>
    private const int MaxKeys = 50_000;

    private static readonly HashSet<string> LoginServices = new(StringComparer.Ordinal)
    {
        "ssh", "tcp/22", "tls", "tcp/443", "http", "tcp/80", "tcp/8080", "tcp/8443", "rfb", "tcp/5900",
    };

    private readonly WindowedDistinctCounter<(HostAddress, HostAddress, string), ulong> _sessions;
    private readonly int _threshold;
    private readonly long _maxDuration;
    private readonly long _window;

    public LoginBruteForceRule(DetectionSettings settings)
    {
        _threshold = (int)settings[Signatures.LoginBruteForce.Thresholds[0]];
        _sessions = new(MaxKeys, Math.Clamp(_threshold, 1, 1024));
        _maxDuration = settings.Nanoseconds(Signatures.LoginBruteForce.Thresholds[1]);
        _window = settings.Nanoseconds(Signatures.LoginBruteForce.Thresholds[2]);
    }

    public void Evaluate(FlowRecord flow, RuleContext context)
    {
        if (flow.Protocol != IpProtocol.Tcp || flow.RespBytes == 0 || flow.End - flow.Start > _maxDuration)
        {
            return;
        }

        var service = ServiceKey.Of(flow);
        if (!LoginServices.Contains(service))
        {
            return;
        }

        if (context.Baseline is { } b && b.KnowsPair(flow.OrigHost, flow.RespHost) && b.KnowsClientService(flow.OrigHost, service))
        {
            return;
        }

        var sessions = _sessions.Add((flow.OrigHost, flow.RespHost, service), (ulong)flow.FirstPacket, flow.Start, _window);
        if (sessions >= _threshold)
        {
            context.Alert(Signatures.LoginBruteForce, flow, flow.OrigHost, flow.RespHost,
                string.Create(CultureInfo.InvariantCulture,
                    $"{flow.OrigHost} opened {sessions} short {service} sessions to {flow.RespHost} within {_window / 1_000_000_000} s (each under {_maxDuration / 1_000_000_000} s)"),
                [new("sessions", sessions.ToString(CultureInfo.InvariantCulture)), new("service", service)],
                incidentKey: service);
        }
    }
}
