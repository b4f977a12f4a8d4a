using System.Globalization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Detection;

namespace MgmtWatch.Core.Analyzers.Ntp;

/// <summary>
/// NTP (RFC 5905): the mode and version of each packet. BMCs synchronise with mode 3 (client) and 4
/// (server) exchanges; mode 6 (control) and mode 7 (private, "monlist") are reconnaissance or
/// amplification and raise <see cref="Signatures.NtpControlQuery"/>.
/// </summary>
public sealed class NtpAnalyzer : IProtocolAnalyzer
{
    /// <summary>Fixed header of modes 1–5 (RFC 5905 §7.3).</summary>
    private const int HeaderLength = 48;

    /// <summary>Mode 6 header (RFC 9327 §2) and mode 7 header (ntpd's ntp_request.h).</summary>
    private const int ControlHeaderLength = 12;

    private const int PrivateHeaderLength = 8;

    private readonly FlowStates<State> _states = new();

    /// <inheritdoc/>
    public string Name => "ntp";

    /// <inheritdoc/>
    public IReadOnlyList<ServicePort> Ports { get; } = [new(IpProtocol.Udp, 123)];

    /// <inheritdoc/>
    public bool Accepts(scoped in AnalyzerPacket packet)
    {
        // Content detection only on UDP: NTP over TCP does not exist, and a loose match would mislabel.
        if (packet.Protocol != IpProtocol.Udp || packet.Payload.Length == 0)
        {
            return false;
        }

        var b = packet.Payload[0];
        var version = (b >> 3) & 0x07;
        var mode = b & 0x07;
        return version is >= 1 and <= 4 && mode is >= 1 and <= 5 && packet.PayloadLength is HeaderLength or 60 or 68 or 72 or 120;
    }

    /// <inheritdoc/>
    public void Inspect(scoped in AnalyzerPacket packet, AnalyzerContext context)
    {
        var payload = packet.Payload;
        if (payload.Length == 0)
        {
            return;
        }

        var version = (payload[0] >> 3) & 0x07;
        var mode = payload[0] & 0x07;
        var state = _states.Get(packet.Flow);
        if (version is < 1 or > 4)
        {
            context.Anomaly(Name, "NTP_BAD_VERSION", packet);
            return;
        }

        var needed = mode switch
        {
            6 => ControlHeaderLength,
            7 => PrivateHeaderLength,
            0 => int.MaxValue,
            _ => HeaderLength,
        };
        if (packet.PayloadLength < needed)
        {
            context.Anomaly(Name, mode == 0 ? "NTP_RESERVED_MODE" : "NTP_SHORT_PACKET", packet);
            return;
        }

        context.Confirm(packet);
        state.Modes |= (byte)(1 << mode);
        state.Version = (byte)version;
        if (mode is 6 or 7 && packet.FromOriginator)
        {
            context.Alert(Signatures.NtpControlQuery, packet,
                $"{packet.Originator} sent an NTP mode {mode} ({(mode == 6 ? "control" : "private, monlist-style")}) query to {packet.Responder}",
                [new("ntp.mode", mode.ToString(CultureInfo.InvariantCulture))]);
        }
    }

    /// <inheritdoc/>
    public void OnFlowEnd(int flow, bool final, List<KeyValuePair<string, string>> fields, AnalyzerContext context)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var state = _states.Find(flow);
        if (state is not null && state.Modes != 0)
        {
            var modes = string.Join(',', Enumerable.Range(0, 8).Where(m => (state.Modes & (1 << m)) != 0).Select(m => m.ToString(CultureInfo.InvariantCulture)));
            fields.Add(new("ntp.modes", modes));
            fields.Add(new("ntp.version", state.Version.ToString(CultureInfo.InvariantCulture)));
        }

        if (final)
        {
            _states.Release(flow);
        }
    }

    private sealed class State : IResettable
    {
        public byte Modes;
        public byte Version;

        public void Reset()
        {
            Modes = 0;
            Version = 0;
        }
    }
}
