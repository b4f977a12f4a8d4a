using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// 9108008: one host sends many messages that the protocol analyzers find broken (threats.md §17): a fuzzer
/// working through a BMC's RMCP, IPMI, SNMP or web parsers, which is how BMCs are crashed and their bugs
/// found, or an implementation that is badly broken. Counts the packets with a protocol violation per
/// sender within a window of packet time, across its flows and destinations, before the anomaly events are
/// thinned (a fuzzer's flood is what that limit is for); one alert when the count reaches the threshold.
/// </summary>
/// <remarks>
/// Called for every violation, so it must stay cheap under a flood of them: senders sit in a fixed table
/// indexed by their address's hash (a sender that collides takes the slot over), and each slot keeps a
/// sliding-window estimate from two fixed windows, the current one and the one before it weighted by how
/// much of it the sliding window still covers. No allocation, no search, memory fixed at start.
/// </remarks>
internal sealed class MalformedTrafficRule
{
    /// <summary>Senders tracked at once: a fuzzer and the odd broken implementation, with room for collisions.</summary>
    private const int Slots = 8192;

    private static readonly Threshold Count = Signatures.MalformedTraffic.Thresholds[0];
    private static readonly Threshold Window = Signatures.MalformedTraffic.Thresholds[1];

    private readonly double _threshold;
    private readonly long _window;
    private readonly string _windowSeconds;
    private readonly Slot[] _slots = new Slot[Slots];

    public MalformedTrafficRule(DetectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _threshold = Math.Max(1, settings[Count]);
        _window = Math.Max(1, settings.Nanoseconds(Window));
        _windowSeconds = settings[Window].ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Records a violation an analyzer found in <paramref name="packet"/>, alerting when its sender's reach the threshold.</summary>
    public void Observe(string appProto, string eventName, scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var sender = packet.Source;
        ref var slot = ref _slots[(int)((uint)sender.GetHashCode() % Slots)];
        var now = packet.Timestamp;
        if (!slot.Used || slot.Sender != sender)
        {
            slot = new Slot { Used = true, Sender = sender, WindowStart = now, LastPacket = -1 };
        }

        if (slot.LastPacket == packet.PacketNumber)
        {
            return; // a second violation in the same packet
        }

        slot.LastPacket = packet.PacketNumber;
        var elapsed = now - slot.WindowStart;
        if (elapsed >= _window)
        {
            // Move on by whole windows: the current one becomes the previous, or both are past.
            slot.Previous = elapsed >= 2 * _window ? 0 : slot.Current;
            slot.Current = 0;
            slot.WindowStart = now - (elapsed % _window);
            elapsed = now - slot.WindowStart;
        }

        slot.Current++;
        var estimate = slot.Current + (slot.Previous * (1 - ((double)elapsed / _window)));
        if (estimate < _threshold)
        {
            // The incident closes when the count has fallen back to nothing.
            slot.Open &= estimate > 1;
            return;
        }

        if (slot.Open)
        {
            return;
        }

        slot.Open = true;
        var violations = Math.Round(estimate).ToString(CultureInfo.InvariantCulture);
        context.Alert(Signatures.MalformedTraffic, packet, sender, packet.Destination,
            string.Create(CultureInfo.InvariantCulture,
                $"{sender} sent {violations} packets with protocol violations within {_windowSeconds} s, the last one {appProto} to {packet.Destination}:{packet.DestinationPort} ({eventName}): a fuzzer at the parsers of the hosts it reaches, or a broken implementation"),
            [
                new("malformed.packets", violations),
                new("malformed.app_proto", appProto),
                new("malformed.last_anomaly", eventName),
                new("threshold", _threshold.ToString(CultureInfo.InvariantCulture)),
                new("window_seconds", _windowSeconds),
            ],
            anyDestination: true);
    }

    private struct Slot
    {
        public HostAddress Sender;
        public bool Used;
        public bool Open;
        public long WindowStart;
        public long LastPacket;
        public int Current;
        public int Previous;
    }
}
