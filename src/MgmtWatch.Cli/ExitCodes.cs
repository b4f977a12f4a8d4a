namespace MgmtWatch.Cli;

/// <summary>Process exit codes (STYLE §3); a contract for scripts, changed only on purpose.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Internal error (a bug).</summary>
    public const int InternalError = 1;

    /// <summary>Usage error.</summary>
    public const int Usage = 2;

    /// <summary>Bad input: unreadable or truncated capture (results so far are written), missing or incompatible model, invalid configuration.</summary>
    public const int BadInput = 3;

    /// <summary>Capture error: no such interface, no permission, libpcap missing.</summary>
    public const int Capture = 4;

    /// <summary>Alerts were written and --fail-on-alert was given.</summary>
    public const int Alerts = 5;

    /// <summary>Interrupted (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated (128 + SIGTERM).</summary>
    public const int Terminated = 143;
}
