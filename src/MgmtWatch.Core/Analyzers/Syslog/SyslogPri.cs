namespace MgmtWatch.Core.Analyzers.Syslog;

/// <summary>
/// The PRI part that opens every syslog message, RFC 3164 §4.1.1 and RFC 5424 §6.2.1: <c>&lt;</c>, one to
/// three digits giving facility × 8 + severity (0–191), <c>&gt;</c>; in RFC 5424 the version (<c>1 </c>) follows.
/// </summary>
internal static class SyslogPri
{
    /// <summary>The longest PRI, "&lt;191&gt;", plus RFC 5424's "1 " version: enough to classify a message.</summary>
    public const int PrefixLength = 7;

    /// <summary>RFC 5424 §6.2.1: PRIVAL ranges 0–191 (facility 0–23).</summary>
    public const int MaxValue = 191;

    /// <summary>Facility names (RFC 5424 Table 1, with their usual keywords), by code.</summary>
    public static readonly string[] Facilities =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    /// <summary>Severity names (RFC 5424 Table 2), by code.</summary>
    public static readonly string[] Severities = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    /// <summary>
    /// Classifies the start of a message. <see cref="SyslogPriResult.Incomplete"/> when <paramref name="prefix"/>
    /// ends before the PRI does and <paramref name="complete"/> is false (more bytes may come).
    /// </summary>
    public static SyslogPriResult Parse(ReadOnlySpan<byte> prefix, bool complete, out int value, out bool rfc5424)
    {
        value = 0;
        rfc5424 = false;
        if (prefix.IsEmpty)
        {
            return complete ? SyslogPriResult.Missing : SyslogPriResult.Incomplete;
        }

        if (prefix[0] != (byte)'<')
        {
            return SyslogPriResult.Missing;
        }

        var i = 1;
        while (i < prefix.Length && i <= 4 && prefix[i] is >= (byte)'0' and <= (byte)'9')
        {
            value = (value * 10) + (prefix[i] - '0');
            i++;
        }

        if (i == prefix.Length)
        {
            return complete || i > 4 ? SyslogPriResult.Bad : SyslogPriResult.Incomplete;
        }

        if (i == 1 || i > 4 || prefix[i] != (byte)'>' || value > MaxValue)
        {
            return SyslogPriResult.Bad;
        }

        // RFC 5424 §6.2.2: VERSION "1" and a space. Without both bytes in hand yet, wait (unless the message ended).
        if (prefix.Length < i + 3 && !complete)
        {
            return SyslogPriResult.Incomplete;
        }

        rfc5424 = prefix.Length >= i + 3 && prefix[i + 1] == (byte)'1' && prefix[i + 2] == (byte)' ';
        return SyslogPriResult.Valid;
    }
}
