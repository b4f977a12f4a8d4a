namespace MgmtWatch.Core.Detection;

/// <summary>Suricata classification.config descriptions used by MgmtWatch's rules.</summary>
public static class Classification
{
    /// <summary>attempted-admin.</summary>
    public const string AttemptedAdmin = "Attempted Administrator Privilege Gain";

    /// <summary>attempted-user.</summary>
    public const string AttemptedUser = "Attempted User Privilege Gain";

    /// <summary>attempted-recon.</summary>
    public const string AttemptedRecon = "Attempted Information Leak";

    /// <summary>network-scan.</summary>
    public const string NetworkScan = "Detection of a Network Scan";

    /// <summary>bad-unknown.</summary>
    public const string BadUnknown = "Potentially Bad Traffic";

    /// <summary>policy-violation.</summary>
    public const string PolicyViolation = "Potential Corporate Privacy Violation";

    /// <summary>trojan-activity.</summary>
    public const string TrojanActivity = "A Network Trojan was detected";

    /// <summary>attempted-dos.</summary>
    public const string AttemptedDos = "Attempted Denial of Service";

    /// <summary>misc-activity.</summary>
    public const string MiscActivity = "Misc activity";
}
