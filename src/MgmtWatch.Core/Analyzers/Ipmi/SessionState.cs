namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// How far one IPMI session set-up got. RMCP+ (IPMI v2.0 §13.15): Open Session Request/Response, RAKP 1–4,
/// then messages in the session; IPMI v1.5 (§22.16–22.17): Get Session Challenge, Activate Session. The
/// order of the values is the order of the exchange.
/// </summary>
internal enum SessionState : byte
{
    /// <summary>No message yet (a recycled slot).</summary>
    None,

    /// <summary>v1.5 Get Session Challenge sent.</summary>
    ChallengeRequested,

    /// <summary>v1.5 challenge (temporary session id) received.</summary>
    ChallengeReceived,

    /// <summary>v1.5 Activate Session sent.</summary>
    ActivationRequested,

    /// <summary>RMCP+ Open Session Request sent.</summary>
    OpenSessionRequested,

    /// <summary>RMCP+ Open Session Response with status 0 received.</summary>
    OpenSessionAccepted,

    /// <summary>RAKP1 (user name) sent.</summary>
    Rakp1Sent,

    /// <summary>RAKP2 with status 0 received: the password hash is on the wire.</summary>
    Rakp2Received,

    /// <summary>RAKP3 (the console's proof) sent.</summary>
    Rakp3Sent,

    /// <summary>RAKP4 with status 0, or Activate Session accepted: the session is up.</summary>
    Established,

    /// <summary>Close Session accepted (seen only when the session is not encrypted).</summary>
    Closed,

    /// <summary>A step was refused (non-zero status or completion code), or the console abandoned it.</summary>
    Failed,
}
