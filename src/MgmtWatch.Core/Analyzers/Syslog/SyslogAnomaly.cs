namespace MgmtWatch.Core.Analyzers.Syslog;

/// <summary>Names of the syslog protocol violations reported as EVE <c>anomaly</c> events (app_proto <c>syslog</c>).</summary>
internal static class SyslogAnomaly
{
    /// <summary>A message that does not start with a PRI (RFC 3164 §4.3.3 relays must add one; RFC 5424 requires it).</summary>
    public const string MissingPri = "SYSLOG_MISSING_PRI";

    /// <summary>A PRI that is not 1–3 digits between angle brackets, or exceeds 191.</summary>
    public const string BadPri = "SYSLOG_BAD_PRI";

    /// <summary>A TCP stream, once recognised as syslog, whose octet count (RFC 6587 §3.4.1) is not digits and a space.</summary>
    public const string BadFraming = "SYSLOG_BAD_FRAMING";
}
