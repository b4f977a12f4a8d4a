namespace MgmtWatch.Core.Detection;

/// <summary>
/// Every MgmtWatch rule, in one place. Local block 9100000–9199999, allocated by area:
/// 91000xx model anomalies · 91010xx IPMI/RMCP/ASF · 91020xx SNMP · 91030xx HTTP/TLS/web ·
/// 91040xx SSH · 91050xx DNS · 91060xx KVM and virtual media · 91070xx NTP, DHCP, syslog ·
/// 91080xx generic behaviour (scans, brute force, beacons, BMC outbound, lateral movement).
/// </summary>
public static class Signatures
{
    // ---- IPMI / RMCP / ASF (threats.md §1–4, §6; ipmi-wire.md §6–7, §10) ----

    /// <summary>Open Session Request proposing RAKP-none.</summary>
    public static readonly Signature IpmiCipherZeroOffered = new(9101001,
        "MGMTWATCH EXPLOIT IPMI cipher suite 0 (RAKP-none) offered", Classification.AttemptedAdmin, 2)
    {
        Explanation = "An RMCP+ Open Session Request proposes authentication algorithm 0 (cipher suite 0, CVE-2013-4782/4783/4784): no password is checked.",
    };

    /// <summary>The BMC accepted RAKP-none.</summary>
    public static readonly Signature IpmiCipherZeroAccepted = new(9101002,
        "MGMTWATCH EXPLOIT IPMI cipher suite 0 (RAKP-none) accepted by BMC", Classification.AttemptedAdmin, 1)
    {
        Explanation = "The BMC answered an Open Session Request with status 0 and authentication algorithm 0: anyone can log in with any password.",
    };

    /// <summary>RAKP2 harvested without RAKP3 (CVE-2013-4786).</summary>
    public static readonly Signature IpmiHashHarvesting = new(9101003,
        "MGMTWATCH EXPLOIT IPMI RAKP password hash harvesting", Classification.AttemptedAdmin, 1)
    {
        Explanation = "A console obtains RAKP2 (an offline-crackable HMAC of the password, CVE-2013-4786) and never completes RAKP3, for several user names or repeatedly.",
        Thresholds =
        [
            new("ipmi.hash-harvest.usernames", 2, "distinct user names with RAKP2 but no RAKP3 from one console to one BMC within the window"),
            new("ipmi.hash-harvest.attempts", 4, "RAKP2-without-RAKP3 exchanges from one console to one BMC within the window, any user name"),
            new("ipmi.hash-harvest.window-seconds", 300, "window over which exchanges are counted"),
            new("ipmi.hash-harvest.rakp3-seconds", 2, "time after RAKP2 within which a legitimate console sends RAKP3 (ipmitool and freeipmi answer within milliseconds)"),
        ],
    };

    /// <summary>Unknown-user answers to many names.</summary>
    public static readonly Signature IpmiUserEnumeration = new(9101004,
        "MGMTWATCH SCAN IPMI user name enumeration", Classification.AttemptedRecon, 2)
    {
        Explanation = "A console tries user names the BMC does not know (RAKP2 status 0x0D, unauthorized name) for several names.",
        Thresholds =
        [
            new("ipmi.user-enum.names", 3, "distinct user names answered 'unauthorized name' within the window"),
            new("ipmi.user-enum.window-seconds", 300, "window"),
        ],
    };

    /// <summary>IPMI 1.5 session with no authentication.</summary>
    public static readonly Signature IpmiV15AuthNone = new(9101005,
        "MGMTWATCH POLICY IPMI 1.5 session with authentication type none", Classification.PolicyViolation, 2)
    {
        Explanation = "An IPMI v1.5 session is activated or used with authentication type NONE: commands reach the BMC without any credential.",
    };

    /// <summary>IPMI 1.5 straight password.</summary>
    public static readonly Signature IpmiV15StraightPassword = new(9101006,
        "MGMTWATCH POLICY IPMI 1.5 straight password authentication (password in clear)", Classification.PolicyViolation, 1)
    {
        Explanation = "An IPMI v1.5 message uses authentication type 4 (straight password/key): the password is on the wire in clear.",
    };

    /// <summary>BMC advertises anonymous or null-user login.</summary>
    public static readonly Signature IpmiAnonymousLoginEnabled = new(9101007,
        "MGMTWATCH POLICY IPMI BMC allows anonymous or null-user login", Classification.PolicyViolation, 3)
    {
        Explanation = "A Get Channel Authentication Capabilities response sets the anonymous-login or null-usernames bit: a configuration finding, reported once per BMC.",
    };

    /// <summary>Sweep of RMCP/ASF probes.</summary>
    public static readonly Signature IpmiDiscoverySweep = new(9101008,
        "MGMTWATCH SCAN IPMI/ASF discovery sweep", Classification.NetworkScan, 2)
    {
        Explanation = "One host sends ASF presence pings or Get Channel Authentication Capabilities probes to many addresses on UDP 623.",
        Thresholds =
        [
            new("ipmi.sweep.targets", 5, "distinct destinations probed by one source within the window"),
            new("ipmi.sweep.window-seconds", 60, "window"),
        ],
    };

    /// <summary>RAKP4 integrity failures (online guessing).</summary>
    public static readonly Signature IpmiPasswordGuessing = new(9101009,
        "MGMTWATCH ATTACK IPMI online password guessing", Classification.AttemptedUser, 2)
    {
        Explanation = "Repeated RAKP4 failures (status 0x0F invalid integrity check, or 0x0D) from one console: passwords being tried online.",
        Thresholds =
        [
            new("ipmi.guessing.failures", 5, "failed RAKP3/RAKP4 exchanges from one console to one BMC within the window"),
            new("ipmi.guessing.window-seconds", 300, "window"),
        ],
    };

    /// <summary>RAKP1 with an empty user name that completes.</summary>
    public static readonly Signature IpmiNullUserLogin = new(9101010,
        "MGMTWATCH POLICY IPMI login with a null user name", Classification.AttemptedUser, 2)
    {
        Explanation = "A console logs in (RAKP1) with an empty user name, the null user, and the BMC accepts it.",
    };

    /// <summary>Unauthenticated ASF remote power control.</summary>
    public static readonly Signature AsfRemoteControl = new(9101011,
        "MGMTWATCH ATTACK ASF remote power control without authentication", Classification.AttemptedAdmin, 1)
    {
        Explanation = "An ASF reset, power-up, power-down or power-cycle message (DSP0136) on UDP 623: remote power control with no IPMI authentication.",
    };

    /// <summary>Privileged IPMI command readable on the wire inside a session.</summary>
    public static readonly Signature IpmiSensitiveCommandInClear = new(9101012,
        "MGMTWATCH POLICY IPMI privileged command sent unencrypted in a session", Classification.PolicyViolation, 2)
    {
        Explanation = "An account, power, boot, log-clearing, network-configuration or firmware command travels unencrypted inside an IPMI session (v1.5, or RMCP+ without confidentiality): its data, such as a new password, is readable on the wire.",
    };

    /// <summary>BMC lists cipher suite 0 in Get Channel Cipher Suites.</summary>
    public static readonly Signature IpmiCipherZeroAdvertised = new(9101013,
        "MGMTWATCH POLICY IPMI BMC advertises cipher suite 0", Classification.PolicyViolation, 2)
    {
        Explanation = "A Get Channel Cipher Suites response lists cipher suite 0 or an authentication algorithm of none: the BMC is configured to allow logins without a password check (a configuration finding, reported once per BMC).",
    };

    /// <summary>Another managed-system GUID from a BMC's address: another machine answers for it.</summary>
    public static readonly Signature IpmiBmcGuidChanged = new(9101014,
        "MGMTWATCH POLICY IPMI BMC GUID changed", Classification.BadUnknown, 2)
    {
        Explanation = "A BMC (address and port) answers an RMCP+ session set-up with a managed-system GUID (RAKP2) other than the one it sent earlier in the run or, with a model, than those the baseline saw: another machine answers at the BMC's address (a spoofed or rogue BMC collecting logins and password hashes) or the board was replaced.",
    };

    // ---- SNMP (threats.md §13) ----

    /// <summary>Many communities from one source.</summary>
    public static readonly Signature SnmpCommunityGuessing = new(9102001,
        "MGMTWATCH SCAN SNMP community string guessing", Classification.AttemptedRecon, 2)
    {
        Explanation = "One host sends SNMP v1/v2c requests with several different community strings that no agent answers (onesixtyone, nmap snmp-brute: wrong communities get no reply), counted across flows, source ports and agents; a community an agent answered is not counted, so a manager using a different community per agent does not trip the rule.",
        Thresholds =
        [
            new("snmp.guessing.communities", 3, "distinct unanswered community strings from one source within the window"),
            new("snmp.guessing.window-seconds", 60, "window"),
        ],
    };

    /// <summary>SET from a non-manager.</summary>
    public static readonly Signature SnmpSetFromNonManager = new(9102002,
        "MGMTWATCH POLICY SNMP SET request from a host that is not a manager", Classification.AttemptedAdmin, 2)
    {
        Explanation = "An SNMP SetRequest (configuration change) comes from a host outside the site's configured manager networks. When none are configured, the fallback alerts on a SET from a host never seen polling that agent (a Get/GetNext/GetBulk the agent answered) earlier in the run; that fallback is weak: an attacker who knows the community can poll first, and a manager's first SET of a run, before any poll, alerts. Configure the manager networks.",
    };

    /// <summary>An SNMP agent answers a community it shipped with.</summary>
    public static readonly Signature SnmpDefaultCommunity = new(9102003,
        "MGMTWATCH POLICY SNMP agent answers a default community", Classification.PolicyViolation, 2)
    {
        Explanation = "An SNMP v1/v2c agent answers a request made with public or private, the communities agents ship with (a BMC left at its defaults): anyone who can reach it can read it, and with the read-write default change it. Reported once a day per agent; the community only as its fingerprint and length.",
    };

    // ---- HTTP / TLS / web (threats.md §7, §10) ----

    /// <summary>Basic credentials in clear.</summary>
    public static readonly Signature HttpBasicCredentialsInClear = new(9103001,
        "MGMTWATCH POLICY HTTP Basic credentials sent in clear", Classification.PolicyViolation, 1)
    {
        Explanation = "A cleartext HTTP request carries an Authorization: Basic header: the user name and password are readable on the wire.",
    };

    /// <summary>Supermicro PSBlock.</summary>
    public static readonly Signature SupermicroPasswordFile = new(9103002,
        "MGMTWATCH EXPLOIT Supermicro BMC password file request (PSBlock)", Classification.AttemptedRecon, 1)
    {
        Explanation = "A request for /PSBlock on TCP 49152, the Supermicro X9 UPnP service that served the BMC's passwords in clear (2014).",
    };

    /// <summary>Redfish over cleartext HTTP: a login, a change, or a session token readable on the wire.</summary>
    public static readonly Signature RedfishInClear = new(9103004,
        "MGMTWATCH POLICY Redfish login or session sent in clear", Classification.PolicyViolation, 1)
    {
        Explanation = "A Redfish (or HPE iLO REST) request over cleartext HTTP logs in (POST to Sessions: the password is in the body), changes the BMC (POST, PATCH, PUT or DELETE: an account, a firmware update, virtual media, a reset, an event subscription) or carries a session token (X-Auth-Token): whoever reads it can log in. Anonymous reads of the service root do not alert; no token or body is kept.",
    };

    /// <summary>HPE iLO 4 authentication bypass by an overlong Connection header.</summary>
    public static readonly Signature IloAuthenticationBypass = new(9103005,
        "MGMTWATCH EXPLOIT HPE iLO 4 authentication bypass (CVE-2017-12542)", Classification.AttemptedAdmin, 1)
    {
        Explanation = "A cleartext HTTP request with a Connection header of one 29-character or longer token, which made iLO 4 before 2.53 skip authentication (Airbus Security Lab, 2017; Metasploit hp_ilo_create_admin_account): the first step of creating an administrator account. Over HTTPS the header is not visible.",
    };

    /// <summary>A TLS server's certificate changed: a reflash, a renewal, or another machine in its place.</summary>
    public static readonly Signature TlsCertificateChanged = new(9103003,
        "MGMTWATCH POLICY TLS server certificate changed", Classification.BadUnknown, 2)
    {
        Explanation = "A TLS server (address and port) presents a certificate other than the one it presented earlier in the run or, with a model, than those the baseline saw it present (TLS 1.2 and older send it in clear): BMC firmware makes itself a new certificate when it is reflashed, and a machine answering in a BMC's place shows its own. A planned renewal alerts too, once.",
    };

    /// <summary>An SSH server's host key changed: a reflash, a re-keyed server, or another machine in its place.</summary>
    public static readonly Signature SshHostKeyChanged = new(9104001,
        "MGMTWATCH POLICY SSH host key changed", Classification.BadUnknown, 2)
    {
        Explanation = "An SSH server (address and port) presents a host key other than the one it presented earlier in the run or, with a model, than those the baseline saw it present: BMC firmware makes itself new host keys when it is reflashed, and a machine answering in a BMC's place shows its own (what an SSH client warns about as REMOTE HOST IDENTIFICATION HAS CHANGED). Deliberate re-keying alerts too, once.",
    };

    // ---- Directory logins (threats.md baseline: BMC -> LDAP/AD) ----

    /// <summary>A BMC (or anyone) logging in to a directory with a password in clear.</summary>
    public static readonly Signature LdapPasswordInClear = new(9109001,
        "MGMTWATCH POLICY LDAP password sent in clear", Classification.PolicyViolation, 1)
    {
        Explanation = "An LDAP simple bind (or SASL PLAIN) with a password on a connection without TLS (389 or the global catalog 3268, no StartTLS): BMCs checking their users' logins against a directory this way send every administrator's password in clear. Reported once a day per client and directory; the bind name only as its fingerprint and length, the password only as its length.",
    };

    // ---- DNS (threats.md §11) ----

    /// <summary>DNS tunnelling.</summary>
    public static readonly Signature DnsTunnelling = new(9105001,
        "MGMTWATCH TROJAN DNS tunnelling", Classification.TrojanActivity, 1)
    {
        Explanation = "One host sends many distinct queries under one registrable domain whose names carry data: a long or high-entropy label, or a TXT, NULL, CNAME or MX query (iodine, dnscat2). The registrable domain is approximated as the last two labels, or three when a two-letter country code follows a common public second level (co.uk, com.au); repeats of one name count once.",
        Thresholds =
        [
            new("dns.tunnel.queries", 20, "distinct suspicious query names (long or high-entropy label, or TXT/NULL/CNAME/MX type) under one registrable domain from one host within the window"),
            new("dns.tunnel.label-length", 40, "label length counted as long"),
            new("dns.tunnel.entropy", 3.8, "Shannon entropy (bits per character) of a label counted as high, for labels of 16 characters or more"),
            new("dns.tunnel.window-seconds", 300, "window"),
        ],
    };

    // ---- KVM and virtual media (threats.md §7, §15) ----

    /// <summary>KVM from a new host.</summary>
    public static readonly Signature KvmFromNewHost = new(9106001,
        "MGMTWATCH POLICY KVM session from a host never seen doing it", Classification.PolicyViolation, 2)
    {
        NeedsBaseline = true,
        Explanation = "A remote console (RFB/VNC, iLO IRC, vendor KVM port) session to a BMC from a host that never opened one in the baseline.",
    };

    /// <summary>Virtual media from a new host.</summary>
    public static readonly Signature VirtualMediaFromNewHost = new(9106002,
        "MGMTWATCH POLICY virtual media session from a host never seen doing it", Classification.PolicyViolation, 1)
    {
        NeedsBaseline = true,
        Explanation = "A virtual-media session (Supermicro TCP 623, iLO 17988, iDRAC 3668/3669) from a host that never opened one in the baseline: an image can be mounted on the server.",
    };

    // ---- NTP and other infrastructure (threats.md baseline) ----

    /// <summary>NTP mode 6/7 queries.</summary>
    public static readonly Signature NtpControlQuery = new(9107001,
        "MGMTWATCH SCAN NTP mode 6/7 control query", Classification.AttemptedRecon, 3)
    {
        Explanation = "An NTP control (mode 6) or private (mode 7, monlist) query: reconnaissance or amplification, never part of time synchronisation.",
    };

    // ---- Generic behaviour (threats.md §5, §11, §12, §16) ----

    /// <summary>TCP/UDP port scan.</summary>
    public static readonly Signature PortScan = new(9108001,
        "MGMTWATCH SCAN port scan", Classification.NetworkScan, 2)
    {
        Explanation = "One host tries many ports of one destination, mostly unanswered or refused.",
        Thresholds =
        [
            new("scan.ports", 20, "distinct destination ports of one destination tried by one source within the window"),
            new("scan.window-seconds", 60, "window"),
        ],
    };

    /// <summary>Host sweep.</summary>
    public static readonly Signature HostSweep = new(9108002,
        "MGMTWATCH SCAN host sweep", Classification.NetworkScan, 2)
    {
        Explanation = "One host tries the same service on many destinations, mostly unanswered or refused.",
        Thresholds =
        [
            new("sweep.hosts", 10, "distinct destinations tried by one source on one port within the window"),
            new("sweep.window-seconds", 60, "window"),
        ],
    };

    /// <summary>Login brute force.</summary>
    public static readonly Signature LoginBruteForce = new(9108003,
        "MGMTWATCH ATTACK login brute force against a BMC", Classification.AttemptedUser, 2)
    {
        Explanation = "Many short SSH or HTTPS sessions from one host to one BMC: passwords being tried.",
        Thresholds =
        [
            new("bruteforce.sessions", 10, "short sessions from one source to one service of one destination within the window"),
            new("bruteforce.max-session-seconds", 30, "longest session counted as short"),
            new("bruteforce.window-seconds", 300, "window"),
        ],
    };

    /// <summary>Periodic beacon.</summary>
    public static readonly Signature Beacon = new(9108004,
        "MGMTWATCH TROJAN periodic beacon from a BMC", Classification.TrojanActivity, 1)
    {
        Explanation = "A BMC contacts one destination on a steady rhythm with steady sizes (RITA-style beacon score), the way an implant checks in.",
        Thresholds =
        [
            new("beacon.connections", 6, "connections needed before a series is scored"),
            new("beacon.score", 0.8, "beacon score (0-1) from timing and size regularity at or above which the series alerts"),
        ],
    };

    /// <summary>BMC outbound.</summary>
    public static readonly Signature BmcOutbound = new(9108005,
        "MGMTWATCH POLICY BMC connection outside the management network", Classification.BadUnknown, 1)
    {
        Explanation = "A BMC opens a connection to an address outside the management network (Internet or host networks): BMCs answer, they rarely call out.",
    };

    /// <summary>BMC acting as a client (lateral movement).</summary>
    public static readonly Signature BmcLateral = new(9108006,
        "MGMTWATCH POLICY BMC acting as a client to another management host", Classification.AttemptedAdmin, 2)
    {
        Explanation = "A BMC opens IPMI, SSH, HTTP(S) or KVM sessions to another BMC or management host: BMCs are servers, so this is lateral movement.",
    };

    /// <summary>A flood filled the flow table or the fragment cache.</summary>
    public static readonly Signature ResourceExhaustion = new(9108007,
        "MGMTWATCH DOS flood exhausted a sensor table", Classification.AttemptedDos, 2)
    {
        Explanation = "So many new flows or fragmented datagrams arrived that the flow table or fragment cache reached its limit and began evicting (a SYN, fragment or UDP flood, or a limit set too low). Written once per hour while it lasts.",
    };

    /// <summary>Many broken protocol messages from one host: a fuzzer at a BMC's parsers.</summary>
    public static readonly Signature MalformedTraffic = new(9108008,
        "MGMTWATCH ATTACK many malformed management-protocol messages from one host", Classification.AttemptedDos, 2)
    {
        Explanation = "One host sends many packets that the protocol analyzers find broken (RMCP, IPMI, SNMP, HTTP, TLS, SSH, LDAP and the rest: the applayer anomalies), across its flows and destinations: a fuzzer working through a BMC's parsers, which is how BMCs are crashed, or a badly broken implementation.",
        Thresholds =
        [
            new("malformed.packets", 20, "packets with a protocol violation from one host within the window"),
            new("malformed.window-seconds", 60, "window"),
        ],
    };

    /// <summary>Model: traffic outside the baseline.</summary>
    public static readonly Signature ModelAnomaly = new(9100001,
        "MGMTWATCH ANOMALY traffic pattern outside baseline", Classification.BadUnknown, 2)
    {
        NeedsBaseline = true,
        Explanation = "The site's model scores the flow above its calibrated threshold; the alert names the features that departed most from the baseline.",
    };

    /// <summary>Every signature, by id.</summary>
    public static IReadOnlyList<Signature> All { get; } = typeof(Signatures)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(Signature))
        .Select(f => (Signature)f.GetValue(null)!)
        .OrderBy(s => s.Id)
        .ToList();

    /// <summary>Every threshold of every signature.</summary>
    public static IReadOnlyList<Threshold> AllThresholds { get; } = All.SelectMany(s => s.Thresholds).ToList();
}
