namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// One IPMI session set-up inside a flow, identified by its session ids (one UDP flow can carry several:
/// retries, Metasploit-style loops, ipmitool's fixed console id 0xA0A2A3A4 reused for each). RMCP+
/// packets towards the console carry the console's id, packets towards the BMC the BMC's (§13.6).
/// Holds no credential: the user name is kept as a keyed fingerprint and a non-reversible hash.
/// </summary>
internal sealed class IpmiSession
{
    /// <summary>Creation order within the analyzer (unique; identifies deferred decisions).</summary>
    public long Serial;

    /// <summary>True for an IPMI v1.5 session (Get Session Challenge / Activate Session).</summary>
    public bool V15;

    /// <summary>How far the set-up got.</summary>
    public SessionState State;

    /// <summary>True when the console is the flow's originator.</summary>
    public bool ConsoleIsOriginator;

    /// <summary>Whether <see cref="ConsoleId"/> is known (a capture may start mid-exchange).</summary>
    public bool HasConsoleId;

    /// <summary>RMCP+ remote-console session id.</summary>
    public uint ConsoleId;

    /// <summary>Whether <see cref="BmcId"/> is known.</summary>
    public bool HasBmcId;

    /// <summary>RMCP+ managed-system session id, or the v1.5 (temporary, then real) session id.</summary>
    public uint BmcId;

    /// <summary>Algorithms the console proposed.</summary>
    public AlgorithmSet Proposed;

    /// <summary>Algorithms the BMC chose (valid when <see cref="Negotiated"/>).</summary>
    public AlgorithmSet Chosen;

    /// <summary>True once an Open Session Response with status 0 named the algorithms.</summary>
    public bool Negotiated;

    /// <summary>Requested role byte of RAKP1, or maximum privilege of v1.5 Activate Session.</summary>
    public byte Role;

    /// <summary>IPMI v1.5 authentication type of the session; 0xFF until known.</summary>
    public byte V15AuthType = 0xFF;

    /// <summary>Whether a user name was seen (RAKP1 or Get Session Challenge).</summary>
    public bool HasUser;

    /// <summary>Non-keyed 64-bit hash of the user name, for counting distinct names in memory only.</summary>
    public ulong UserHash;

    /// <summary>User name length in bytes (0: the null user).</summary>
    public int UserLength;

    /// <summary>Keyed fingerprint of the user name, computed once per name.</summary>
    public string? UserFingerprint;

    /// <summary>Key-exchange auth code length of RAKP2.</summary>
    public int Rakp2AuthCodeLength;

    /// <summary>Fate of the RAKP2 password hash.</summary>
    public HarvestExchange Exchange;

    /// <summary>Packet time of the RAKP2.</summary>
    public long Rakp2Time;

    /// <summary>Packet number of the RAKP2.</summary>
    public long Rakp2Packet;

    /// <summary>In-session messages seen for this session.</summary>
    public int Messages;

    /// <summary>Clears the session for reuse.</summary>
    public void Reset()
    {
        Serial = 0;
        V15 = false;
        State = SessionState.None;
        ConsoleIsOriginator = false;
        HasConsoleId = false;
        ConsoleId = 0;
        HasBmcId = false;
        BmcId = 0;
        Proposed = default;
        Chosen = default;
        Negotiated = false;
        Role = 0;
        V15AuthType = 0xFF;
        HasUser = false;
        UserHash = 0;
        UserLength = 0;
        UserFingerprint = null;
        Rakp2AuthCodeLength = 0;
        Exchange = HarvestExchange.None;
        Rakp2Time = 0;
        Rakp2Packet = 0;
        Messages = 0;
    }
}
