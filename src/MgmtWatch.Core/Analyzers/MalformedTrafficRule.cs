using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// 9108008: one host sends many messages that the protocol analyzers find broken (threats.md §17): a fuzzer
/// working through a BMC's RMCP, IPMI, SNMP or web parsers, which is how BMCs are crashed and their bugs
/// found, or an implementation that is badly broken. Counts the packets with a protocol violation per
/// sender within a window of packet time, across its flows and destinations, before the anomaly events are
/// thinned (a fuzzer's flood is what that limit is for); one alert when the count reaches the threshold,
/// again only once the sender's violations have all left the window.
/// </summary>
internal sealed class MalformedTrafficRule
{
    /// <summary>Senders tracked at once (each holds at most the threshold's packet numbers).</summary>
    private const int MaxSenders = 16_384;

    private static readonly Threshold Count = Signatures.MalformedTraffic.Thresholds[0];
    private static readonly Threshold Window = Signatures.MalformedTraffic.Thresholds[1];

    private readonly int _threshold;
    private readonly long _window;
    private readonly string _windowSeconds;
    private readonly WindowedDistinctCounter<HostAddress, long> _violations;

    public MalformedTrafficRule(DetectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _threshold = (int)Math.Clamp(settings[Count], 1, 4096);
        _window = settings.Nanoseconds(Window);
        _windowSeconds = settings[Window].ToString(CultureInfo.InvariantCulture);
        _violations = new WindowedDistinctCounter<HostAddress, long>(MaxSenders, _threshold);
    }

    /// <summary>Records a violation an analyzer found in <paramref name="packet"/>, alerting when its sender's reach the threshold.</summary>
    public void Observe(string appProto, string eventName, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var sender = packet.Source;
        var violations = _violations.Add(sender, packet.PacketNumber, packet.Timestamp, _window);
        if (violations < _threshold || !_violations.TryOpenIncident(sender))
        {
            return;
        }

        context.Alert(Signatures.MalformedTraffic, packet, sender, packet.Destination,
            string.Create(CultureInfo.InvariantCulture,
                $"{sender} sent {violations} packets with protocol violations within {_windowSeconds} s, the last one {appProto} to {packet.Destination}:{packet.DestinationPort} ({eventName}): a fuzzer at the parsers of the hosts it reaches, or a broken implementation"),
            [
                new("malformed.packets", violations.ToString(CultureInfo.InvariantCulture)),
                new("malformed.app_proto", appProto),
                new("malformed.last_anomaly", eventName),
                new("threshold", _threshold.ToString(CultureInfo.InvariantCulture)),
                new("window_seconds", _windowSeconds),
            ],
            anyDestination: true);
    }
}
