namespace MgmtWatch.Core.Analyzers.Syslog;

/// <summary>Outcome of <see cref="SyslogPri.Parse"/>.</summary>
internal enum SyslogPriResult : byte
{
    /// <summary>More bytes are needed.</summary>
    Incomplete,

    /// <summary>A valid PRI.</summary>
    Valid,

    /// <summary>The message does not start with '&lt;'.</summary>
    Missing,

    /// <summary>'&lt;' is not followed by 1–3 digits, '&gt;', and a value up to 191.</summary>
    Bad,
}
