namespace MgmtWatch.Core.Features;

/// <summary>
/// The model's features, in order: one definition shared by training and scoring. A model records the
/// schema version and the names it was trained with, and is refused when they differ from these.
/// Every feature has a sentence used when an alert explains itself.
/// </summary>
public static class FeatureSchema
{
    /// <summary>Bump when a feature is added, removed, reordered or changes meaning.</summary>
    public const int Version = 2;

    /// <summary>Feature names, in vector order.</summary>
    public static IReadOnlyList<string> Names { get; } = Definitions().Select(d => d.Name).ToArray();

    /// <summary>For each feature, what a high value means, for alert explanations.</summary>
    public static IReadOnlyList<string> Meanings { get; } = Definitions().Select(d => d.Meaning).ToArray();

    /// <summary>How each feature is encoded, to show it back in natural units: 'l' log(1+x), 'r' ratio or score, 'f' flag.</summary>
    public static string Kinds { get; } = string.Concat(Definitions().Select(d => d.Name switch
    {
        "orig_byte_share" or "orig_size_cv" or "resp_size_cv" or "gap_cv" or "orig_failure_share" or "beacon" or "novel_beacon"
            or "dns_label_length" or "dns_label_entropy" => 'r',
        "no_reply" or "refused" or "tcp" or "udp" or "icmp" or "orig_new" or "resp_new" or "pair_new" or "client_service_new"
            or "server_service_new" or "resp_outside_site" or "orig_outside_site" or "bmc_as_client_new" or "dns_rare_type"
            or "ipmi_weak_session" or "tls_no_sni" or "kvm_session" or "http_cleartext_auth" => 'f',
        _ => 'l',
    }));

    /// <summary>A feature value in natural units, for people.</summary>
    public static string Display(int index, double value) => Kinds[index] switch
    {
        'f' => value >= 0.5 ? "yes" : "no",
        'r' => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        _ => Math.Max(0, Math.Exp(value) - 1).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Number of features.</summary>
    public static int Count => Names.Count;

    /// <summary>Index of a feature by name.</summary>
    public static int IndexOf(string name) => Names.ToList().IndexOf(name);

    internal const int Duration = 0;
    internal const int OrigPackets = 1;
    internal const int RespPackets = 2;
    internal const int OrigBytes = 3;
    internal const int RespBytes = 4;
    internal const int OrigByteShare = 5;
    internal const int OrigSizeMean = 6;
    internal const int RespSizeMean = 7;
    internal const int OrigSizeCv = 8;
    internal const int RespSizeCv = 9;
    internal const int GapMean = 10;
    internal const int GapCv = 11;
    internal const int NoReply = 12;
    internal const int Refused = 13;
    internal const int Tcp = 14;
    internal const int Udp = 15;
    internal const int Icmp = 16;
    internal const int OrigFanoutHosts = 17;
    internal const int OrigFanoutPorts = 18;
    internal const int OrigFlowRate = 19;
    internal const int OrigFailureShare = 20;
    internal const int OrigByteRate = 21;
    internal const int RespFanIn = 22;
    internal const int OrigNew = 23;
    internal const int RespNew = 24;
    internal const int PairNew = 25;
    internal const int ClientServiceNew = 26;
    internal const int ServerServiceNew = 27;
    internal const int RespOutsideSite = 28;
    internal const int OrigOutsideSite = 29;
    internal const int BmcAsClientNew = 30;
    internal const int SeriesConnections = 31;
    internal const int Beacon = 32;
    internal const int NovelBeacon = 33;
    internal const int DnsLabelLength = 34;
    internal const int DnsLabelEntropy = 35;
    internal const int DnsRareType = 36;
    internal const int IpmiWeakSession = 37;
    internal const int IpmiIncompleteLogins = 38;
    internal const int IpmiCleartextCommands = 39;
    internal const int SnmpUnanswered = 40;
    internal const int SnmpSets = 41;
    internal const int TlsNoSni = 42;
    internal const int KvmSession = 43;
    internal const int HttpCleartextAuth = 44;

    /// <summary>First of the features read from protocol analyzers; all of them count only when present.</summary>
    internal const int FirstProtocolFeature = DnsLabelLength;

    private static IEnumerable<(string Name, string Meaning)> Definitions() =>
    [
        ("duration", "the flow lasted long"),
        ("orig_packets", "the client sent many packets"),
        ("resp_packets", "the server sent many packets"),
        ("orig_bytes", "the client sent many bytes"),
        ("resp_bytes", "the server sent many bytes"),
        ("orig_byte_share", "most bytes went from client to server (an upload)"),
        ("orig_size_mean", "the client's packets were large"),
        ("resp_size_mean", "the server's packets were large"),
        ("orig_size_cv", "the client's packet sizes varied"),
        ("resp_size_cv", "the server's packet sizes varied"),
        ("gap_mean", "packets were far apart"),
        ("gap_cv", "packet timing was irregular"),
        ("no_reply", "the server never answered"),
        ("refused", "the connection was refused or reset"),
        ("tcp", "TCP"),
        ("udp", "UDP"),
        ("icmp", "ICMP"),
        ("orig_fanout_hosts", "the client contacted many hosts in the last five minutes"),
        ("orig_fanout_ports", "the client tried many ports in the last five minutes"),
        ("orig_flow_rate", "the client opened flows at a high rate"),
        ("orig_failure_share", "many of the client's recent flows went unanswered or were refused"),
        ("orig_byte_rate", "the client moved many bytes recently"),
        ("resp_fan_in", "many hosts reached the server in the last five minutes"),
        ("orig_new", "the client was never seen in the baseline"),
        ("resp_new", "the server was never seen in the baseline"),
        ("pair_new", "these two hosts never talked in the baseline"),
        ("client_service_new", "the client never used this service in the baseline"),
        ("server_service_new", "the server never offered this service in the baseline"),
        ("resp_outside_site", "the server is outside the site's address space"),
        ("orig_outside_site", "the client is outside the site's address space"),
        ("bmc_as_client_new", "a BMC acted as a client for a service it never used in the baseline"),
        ("series_connections", "this client opened many connections to this server and service"),
        ("beacon", "connections in this series are clockwork-regular in timing and size"),
        ("novel_beacon", "a regular rhythm to a new or outside destination"),
        ("dns_label_length", "a DNS name had a long label, as encoded data does (share of the 63-byte maximum)"),
        ("dns_label_entropy", "DNS labels looked random (bits per character)"),
        ("dns_rare_type", "DNS asked for a record type tunnels use (TXT, NULL, ANY, CNAME, MX)"),
        ("ipmi_weak_session", "an IPMI session used cipher suite 0 or IPMI 1.5 without real authentication"),
        ("ipmi_incomplete_logins", "IPMI logins stopped after the BMC sent its password hash (RAKP 2 without RAKP 3)"),
        ("ipmi_cleartext_commands", "IPMI commands were sent outside an authenticated session"),
        ("snmp_unanswered", "SNMP requests went unanswered (wrong community or no agent)"),
        ("snmp_sets", "SNMP set requests changed configuration"),
        ("tls_no_sni", "a TLS client named no server"),
        ("kvm_session", "a remote console or virtual media session"),
        ("http_cleartext_auth", "HTTP credentials were sent without TLS"),
    ];
}
