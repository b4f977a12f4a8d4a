using System.Globalization;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// Idle timeouts by protocol and state, in packet time. Defaults are Zeek's: tcp_inactivity_timeout 5 min,
/// udp and icmp inactivity 1 min, tcp_close_delay and tcp_reset_delay 5 s (the linger after a close, which
/// catches the last ACK and retransmitted FINs).
/// </summary>
public sealed record FlowTimeouts
{
    /// <summary>TCP idle timeout.</summary>
    public TimeSpan Tcp { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// TCP attempts the responder never answered (S0). Zeek gives up on a half-open attempt far sooner
    /// than on an established connection; 30 s outlasts every SYN retransmission schedule of common
    /// stacks (Linux retries at 1, 3, 7, 15 s), so an answered attempt is never split, while a scan or a
    /// SYN flood leaves the table within half a minute.
    /// </summary>
    public TimeSpan TcpAttempt { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a closed or reset TCP flow lingers.</summary>
    public TimeSpan TcpClosed { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>UDP idle timeout.</summary>
    public TimeSpan Udp { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>ICMP idle timeout.</summary>
    public TimeSpan Icmp { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Idle timeout of other IP protocols.</summary>
    public TimeSpan Other { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Interval of interim records for flows still active, so a day-long KVM session is visible while it
    /// lasts. 30 min is NetFlow's customary active timeout. Zero disables interim records.
    /// </summary>
    public TimeSpan Interim { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Applies <c>name=seconds</c> settings (tcp, tcp-attempt, tcp-closed, udp, icmp, other, interim), as given on the
    /// command line. Returns an error message, or null.
    /// </summary>
    public static string? TryParse(IEnumerable<string> settings, FlowTimeouts defaults, out FlowTimeouts result)
    {
        ArgumentNullException.ThrowIfNull(settings);
        result = defaults;
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !double.TryParse(setting.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 86_400 * 30)
            {
                return $"invalid timeout '{setting}': expected NAME=SECONDS, e.g. udp=30";
            }

            var value = TimeSpan.FromSeconds(seconds);
            var name = setting[..eq].Trim().ToLowerInvariant();
            switch (name)
            {
                case "tcp":
                    result = result with { Tcp = value };
                    break;
                case "tcp-attempt":
                    result = result with { TcpAttempt = value };
                    break;
                case "tcp-closed":
                    result = result with { TcpClosed = value };
                    break;
                case "udp":
                    result = result with { Udp = value };
                    break;
                case "icmp":
                    result = result with { Icmp = value };
                    break;
                case "other":
                    result = result with { Other = value };
                    break;
                case "interim":
                    result = result with { Interim = value };
                    break;
                default:
                    return $"unknown timeout '{name}': use tcp, tcp-attempt, tcp-closed, udp, icmp, other or interim";
            }
        }

        return null;
    }
}
