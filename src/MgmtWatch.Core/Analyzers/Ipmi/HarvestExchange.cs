namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// What became of a RAKP2 that carried a password hash (CVE-2013-4786): still waiting for RAKP3, answered
/// by a valid RAKP3 in time (a normal login), or left without one (the hash was harvested, or a client
/// rejected the BMC's HMAC, as ipmitool does with a wrong password).
/// </summary>
internal enum HarvestExchange : byte
{
    /// <summary>No RAKP2 with an auth code yet.</summary>
    None,

    /// <summary>RAKP2 received; RAKP3 not yet seen and its deadline not yet passed.</summary>
    Pending,

    /// <summary>A RAKP3 with status 0 followed in time.</summary>
    Answered,

    /// <summary>No RAKP3 in time, or a RAKP3 with an error status.</summary>
    Unanswered,
}
