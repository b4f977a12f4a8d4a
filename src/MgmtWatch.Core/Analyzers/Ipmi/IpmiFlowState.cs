using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// What the IPMI analyzer remembers about one UDP flow: discovery (ASF ping/pong, capabilities), the
/// sessions set up in it (a ring of <see cref="MaxSessions"/>), counters for the flow record, and the
/// flow's endpoints so that a decision taken later (a RAKP3 deadline passing) can still be reported on it.
/// Recycled through <see cref="FlowStates{T}"/>: nothing here is allocated per packet.
/// </summary>
internal sealed class IpmiFlowState : IResettable
{
    /// <summary>
    /// Sessions followed at once in one flow. ipmitool uses one per run; a tool looping over user names on
    /// one socket overwrites the oldest, whose pending decision is taken first.
    /// </summary>
    public const int MaxSessions = 8;

    /// <summary>Distinct cleartext commands named per flow.</summary>
    public const int MaxCommandNames = 16;

    /// <summary>Distinct failure codes kept per flow.</summary>
    public const int MaxFailures = 8;

    /// <summary>Distinct user names counted per flow.</summary>
    public const int MaxUsers = 8;

    /// <summary>
    /// Bytes of a Get Channel Cipher Suites listing kept: 64 pages of 16 bytes are allowed (§22.15), but
    /// 128 bytes hold 25 standard records, more than any BMC offers.
    /// </summary>
    public const int MaxSuiteListBytes = 128;

    /// <summary>Unique per flow instance (flow table slots are reused).</summary>
    public long Serial;

    /// <summary>The flow table index.</summary>
    public int Flow;

    /// <summary>Flow originator and responder, for alerts decided after the packet.</summary>
    public HostAddress Originator;

    /// <summary>Responder address.</summary>
    public HostAddress Responder;

    /// <summary>Originator port.</summary>
    public ushort OriginatorPort;

    /// <summary>Responder port.</summary>
    public ushort ResponderPort;

    /// <summary>IP protocol.</summary>
    public byte Protocol;

    /// <summary>IP version.</summary>
    public byte IpVersion;

    /// <summary>Bit 0: an IPMI v1.5 wrapper was seen; bit 1: an RMCP+ header.</summary>
    public byte Versions;

    /// <summary>ASF presence pings.</summary>
    public int AsfPings;

    /// <summary>ASF presence pongs.</summary>
    public int AsfPongs;

    /// <summary>ASF reset/power messages.</summary>
    public int AsfPowerControls;

    /// <summary>RMCP ACKs.</summary>
    public int RmcpAcks;

    /// <summary>RMCP OEM-class messages (not parsed further).</summary>
    public int OemMessages;

    /// <summary>Whether a Get Channel Authentication Capabilities response was seen.</summary>
    public bool CapsSeen;

    /// <summary>Response byte "authentication type support" (§22.13).</summary>
    public byte CapsAuthTypes;

    /// <summary>Response byte "login status".</summary>
    public byte CapsLogin;

    /// <summary>Response byte "extended capabilities" (valid when bit 7 of <see cref="CapsAuthTypes"/> is set).</summary>
    public byte CapsExtended;

    /// <summary>Discovery probe (ping or capabilities request) waiting to be judged probe-only.</summary>
    public bool ProbePending;

    /// <summary>The probe was judged (counted or dismissed).</summary>
    public bool ProbeSettled;

    /// <summary>True when the flow's originator sent the probe.</summary>
    public bool ProbeByOriginator;

    /// <summary>Packet time of the probe.</summary>
    public long ProbeTime;

    /// <summary>Packet number of the probe.</summary>
    public long ProbePacket;

    /// <summary>A session set-up or in-session message was seen: the flow is more than discovery.</summary>
    public bool SessionActivity;

    /// <summary>Session slots (allocated on first use, kept across recycling).</summary>
    public readonly IpmiSession?[] Sessions = new IpmiSession?[MaxSessions];

    /// <summary>Sessions started in the flow (also the next ring position).</summary>
    public int SessionsStarted;

    /// <summary>Sessions established.</summary>
    public int SessionsCompleted;

    /// <summary>Sessions closed by Close Session.</summary>
    public int SessionsClosed;

    /// <summary>RAKP2 password hashes left without RAKP3.</summary>
    public int Rakp2WithoutRakp3;

    /// <summary>Steps refused.</summary>
    public int Failures;

    /// <summary>Distinct failures: step (1 open, 2 RAKP2, 3 RAKP3, 4 RAKP4, 5 challenge, 6 activate) &lt;&lt; 8 | code.</summary>
    public readonly ushort[] FailureCodes = new ushort[MaxFailures];

    /// <summary>Entries used in <see cref="FailureCodes"/>.</summary>
    public int FailureCodeCount;

    /// <summary>Last session whose algorithms were negotiated, for the flow record.</summary>
    public AlgorithmSet Negotiated;

    /// <summary>Whether <see cref="Negotiated"/> is set.</summary>
    public bool HasNegotiated;

    /// <summary>Suite ids (below 64) listed by Get Channel Cipher Suites.</summary>
    public ulong AdvertisedSuites;

    /// <summary>A listed suite uses RAKP-none.</summary>
    public bool AdvertisedAuthNone;

    /// <summary>Whether any cipher suite listing was read.</summary>
    public bool SuitesListed;

    /// <summary>Cipher suite listing pages in order (allocated when a listing is first seen).</summary>
    public byte[]? SuiteList;

    /// <summary>Bytes in <see cref="SuiteList"/>.</summary>
    public int SuiteListLength;

    /// <summary>Next listing page expected.</summary>
    public int NextSuitePage;

    /// <summary>Page asked for by the last request.</summary>
    public int RequestedSuitePage = -1;

    /// <summary>In-session messages (any payload, any direction).</summary>
    public int SessionMessages;

    /// <summary>Encrypted in-session payloads (opaque).</summary>
    public int EncryptedMessages;

    /// <summary>Requests sent in clear inside a session.</summary>
    public int CleartextCommands;

    /// <summary>Distinct cleartext commands: netFn &lt;&lt; 8 | cmd.</summary>
    public readonly ushort[] CommandIds = new ushort[MaxCommandNames];

    /// <summary>Entries used in <see cref="CommandIds"/>.</summary>
    public int CommandIdCount;

    /// <summary>SOL payloads.</summary>
    public int SolPackets;

    /// <summary>SOL payloads in clear inside a session.</summary>
    public int CleartextSol;

    /// <summary>OEM payloads.</summary>
    public int OemPayloads;

    /// <summary>Fingerprint of the last user name seen.</summary>
    public string? UserFingerprint;

    /// <summary>Length of the last user name seen.</summary>
    public int UserLength;

    /// <summary>Distinct user names (non-keyed hashes, memory only).</summary>
    public readonly ulong[] UserHashes = new ulong[MaxUsers];

    /// <summary>Entries used in <see cref="UserHashes"/>.</summary>
    public int UserCount;

    /// <summary>IPMI v1.5 authentication type of the last v1.5 session; 0xFF when none.</summary>
    public byte V15AuthType = 0xFF;

    /// <summary>RAKP2 auth code length of the last RAKP2 with status 0; -1 when none.</summary>
    public int Rakp2AuthCodeLength = -1;

    /// <summary>The managed-system GUID of the last RAKP2 with status 0 (see <see cref="HasBmcGuid"/>).</summary>
    public UInt128 BmcGuid;

    public bool HasBmcGuid;

    /// <summary>Rules already alerted on this flow (bits of the analyzer's flag constants).</summary>
    public int AlertFlags;

    /// <summary>Privilege of the last session: RAKP1 role, v1.5 Activate Session maximum, or Set Session Privilege result.</summary>
    public byte LastRole;

    /// <summary>Whether <see cref="LastRole"/> is set.</summary>
    public bool HasRole;

    /// <summary>The session with <paramref name="serial"/>, if still held.</summary>
    public IpmiSession? FindBySerial(long serial)
    {
        foreach (var s in Sessions)
        {
            if (s is not null && s.Serial == serial && s.State != SessionState.None)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>The most recently started session, if any.</summary>
    public IpmiSession? Latest => SessionsStarted == 0 ? null : Sessions[(SessionsStarted - 1) % MaxSessions];

    /// <summary>Remembers a distinct failure code.</summary>
    public void AddFailure(int step, byte code)
    {
        Failures++;
        var id = (ushort)((step << 8) | code);
        for (var i = 0; i < FailureCodeCount; i++)
        {
            if (FailureCodes[i] == id)
            {
                return;
            }
        }

        if (FailureCodeCount < MaxFailures)
        {
            FailureCodes[FailureCodeCount++] = id;
        }
    }

    /// <summary>Remembers a distinct cleartext command; true when it is new to the flow.</summary>
    public bool AddCommand(byte netFn, byte command)
    {
        var id = (ushort)((netFn << 8) | command);
        for (var i = 0; i < CommandIdCount; i++)
        {
            if (CommandIds[i] == id)
            {
                return false;
            }
        }

        if (CommandIdCount < MaxCommandNames)
        {
            CommandIds[CommandIdCount++] = id;
        }

        return true;
    }

    /// <summary>Remembers a distinct user name hash.</summary>
    public void AddUser(ulong hash)
    {
        for (var i = 0; i < UserCount; i++)
        {
            if (UserHashes[i] == hash)
            {
                return;
            }
        }

        if (UserCount < MaxUsers)
        {
            UserHashes[UserCount++] = hash;
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        Serial = 0;
        Flow = 0;
        Originator = default;
        Responder = default;
        OriginatorPort = 0;
        ResponderPort = 0;
        Protocol = 0;
        IpVersion = 0;
        Versions = 0;
        AsfPings = 0;
        AsfPongs = 0;
        AsfPowerControls = 0;
        RmcpAcks = 0;
        OemMessages = 0;
        CapsSeen = false;
        CapsAuthTypes = 0;
        CapsLogin = 0;
        CapsExtended = 0;
        ProbePending = false;
        ProbeSettled = false;
        ProbeByOriginator = false;
        ProbeTime = 0;
        ProbePacket = 0;
        SessionActivity = false;
        foreach (var s in Sessions)
        {
            s?.Reset();
        }

        SessionsStarted = 0;
        SessionsCompleted = 0;
        SessionsClosed = 0;
        Rakp2WithoutRakp3 = 0;
        Failures = 0;
        FailureCodeCount = 0;
        Negotiated = default;
        HasNegotiated = false;
        AdvertisedSuites = 0;
        AdvertisedAuthNone = false;
        SuitesListed = false;
        SuiteListLength = 0;
        NextSuitePage = 0;
        RequestedSuitePage = -1;
        SessionMessages = 0;
        EncryptedMessages = 0;
        CleartextCommands = 0;
        CommandIdCount = 0;
        SolPackets = 0;
        CleartextSol = 0;
        OemPayloads = 0;
        UserFingerprint = null;
        UserLength = 0;
        UserCount = 0;
        V15AuthType = 0xFF;
        Rakp2AuthCodeLength = -1;
        BmcGuid = UInt128.Zero;
        HasBmcGuid = false;
        LastRole = 0;
        HasRole = false;
        AlertFlags = 0;
    }
}
