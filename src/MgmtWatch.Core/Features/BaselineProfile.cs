using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MgmtWatch.Core.Decoding;
using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Features;

/// <summary>
/// What the site's normal traffic looked like: which hosts exist, who talks to whom, who uses and who
/// offers which service, which hosts are BMCs, and the site's address space. Built from the training
/// captures and saved beside the model; the novelty features and the baseline-dependent rules ask it.
/// </summary>
/// <remarks>
/// The site's address space is the set of private /24 (IPv4) and /64 (IPv6) networks in which baseline
/// hosts live (RFC 1918, RFC 6598, RFC 4193, link-local), plus any networks the user configures: public
/// addresses are never "inside" by inference, so a BMC's vendor call-home is outside even if the
/// baseline contained it (its pair is then known, which is what keeps it from alerting).
/// </remarks>
public sealed class BaselineProfile : IBaselineView
{
    /// <summary>Services that only BMCs answer: their responders are BMCs (threats.md ports table).</summary>
    public static readonly IReadOnlySet<string> BmcServices = new HashSet<string>(StringComparer.Ordinal)
    {
        "ipmi", "udp/623", "udp/664", "tcp/623", "vmedia", "kvm", "tcp/17988", "tcp/17990", "tcp/3668", "tcp/3669", "tcp/3900",
    };

    /// <summary>Entries per set accepted when loading, so a hostile profile cannot exhaust memory.</summary>
    public const int MaxEntries = 2_000_000;

    /// <summary>
    /// Identities (TLS certificates, SSH host keys, BMC GUIDs) remembered per server and port: a BMC has one, a renewal
    /// adds one; more than a few means a server that changes them as a matter of course, and the first ones
    /// stand for it.
    /// </summary>
    public const int MaxIdentitiesPerServer = 8;

    // Occurrence counts (flows) while building; a loaded profile knows only that each entry occurred.
    private readonly Dictionary<HostAddress, int> _hosts = [];
    private readonly Dictionary<(HostAddress, HostAddress), int> _pairs = [];
    private readonly Dictionary<(HostAddress, string), int> _clientServices = [];
    private readonly Dictionary<(HostAddress, string), int> _serverServices = [];
    private readonly HashSet<HostAddress> _bmcs = [];
    private readonly HashSet<(ulong, ulong)> _networks = [];
    private readonly Dictionary<(HostAddress, ushort), List<string>> _identities = [];

    /// <summary>Flows the profile was built from.</summary>
    public long Flows { get; private set; }

    /// <summary>Hosts in the baseline.</summary>
    public int HostCount => _hosts.Count;

    /// <summary>Distinct (originator, responder) pairs of the baseline.</summary>
    public int PairCount => _pairs.Count;

    /// <summary>BMCs in the baseline.</summary>
    public IReadOnlyCollection<HostAddress> Bmcs => _bmcs;

    /// <summary>Adds a flow to the profile.</summary>
    public void Add(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var service = ServiceKey.Of(flow);
        Flows++;
        Increment(_hosts, flow.OrigHost);
        Increment(_hosts, flow.RespHost);
        Increment(_pairs, (flow.OrigHost, flow.RespHost));
        Increment(_clientServices, (flow.OrigHost, service));
        if (flow.RespPackets > 0)
        {
            // Only a responder that answered offers the service (a scan target does not).
            Increment(_serverServices, (flow.RespHost, service));
            if (BmcServices.Contains(service))
            {
                _bmcs.Add(flow.RespHost);
            }
        }

        AddNetworkOf(flow.OrigHost);
        AddNetworkOf(flow.RespHost);
        if (ServerIdentity.FingerprintOf(flow) is { } fingerprint)
        {
            AddIdentity((flow.RespHost, flow.RespPort), fingerprint);
        }
    }

    private void AddIdentity((HostAddress, ushort) server, string fingerprint)
    {
        if (!_identities.TryGetValue(server, out var known))
        {
            _identities[server] = [fingerprint];
        }
        else if (known.Count < MaxIdentitiesPerServer && !known.Contains(fingerprint))
        {
            known.Add(fingerprint);
        }
    }

    /// <summary>Adds everything another profile knows (merging a new baseline into an old model).</summary>
    public void Merge(BaselineProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Flows += other.Flows;
        MergeCounts(_hosts, other._hosts);
        MergeCounts(_pairs, other._pairs);
        MergeCounts(_clientServices, other._clientServices);
        MergeCounts(_serverServices, other._serverServices);
        _bmcs.UnionWith(other._bmcs);
        _networks.UnionWith(other._networks);
        foreach (var (server, fingerprints) in other._identities)
        {
            foreach (var fingerprint in fingerprints)
            {
                AddIdentity(server, fingerprint);
            }
        }
    }

    /// <summary>Declares a network (CIDR) part of the site.</summary>
    public void AddSiteNetwork(HostAddress network) => _networks.Add(NetworkOf(network));

    /// <inheritdoc/>
    public bool KnowsHost(HostAddress host) => _hosts.ContainsKey(host);

    /// <inheritdoc/>
    public bool KnowsPair(HostAddress originator, HostAddress responder) => _pairs.ContainsKey((originator, responder));

    /// <inheritdoc/>
    public bool KnowsClientService(HostAddress client, string service) => _clientServices.ContainsKey((client, service));

    /// <inheritdoc/>
    public bool KnowsServerService(HostAddress server, string service) => _serverServices.ContainsKey((server, service));

    /// <summary>Flows involving the host (while building).</summary>
    internal int HostOccurrences(HostAddress host) => _hosts.GetValueOrDefault(host);

    /// <summary>Flows between the pair (while building).</summary>
    internal int PairOccurrences(HostAddress originator, HostAddress responder) => _pairs.GetValueOrDefault((originator, responder));

    /// <summary>Flows in which the host used the service (while building).</summary>
    internal int ClientServiceOccurrences(HostAddress client, string service) => _clientServices.GetValueOrDefault((client, service));

    /// <summary>Answered flows in which the host offered the service (while building).</summary>
    internal int ServerServiceOccurrences(HostAddress server, string service) => _serverServices.GetValueOrDefault((server, service));

    private static void Increment<T>(Dictionary<T, int> counts, T key)
        where T : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void MergeCounts<T>(Dictionary<T, int> into, Dictionary<T, int> from)
        where T : notnull
    {
        foreach (var (key, count) in from)
        {
            into[key] = into.GetValueOrDefault(key) + count;
        }
    }

    /// <inheritdoc/>
    public bool IsSiteAddress(HostAddress address) => _networks.Contains(NetworkOf(address));

    /// <inheritdoc/>
    public bool IsBmc(HostAddress host) => _bmcs.Contains(host);

    /// <inheritdoc/>
    public IReadOnlyList<string> IdentitiesOf(HostAddress server, ushort port) =>
        _identities.TryGetValue((server, port), out var known) ? known : [];

    private void AddNetworkOf(HostAddress host)
    {
        if (IsPrivate(host))
        {
            _networks.Add(NetworkOf(host));
        }
    }

    private static (ulong, ulong) NetworkOf(HostAddress a) =>
        a.IsV4 ? (a.High, a.Low & 0xFFFF_FFFF_FFFF_FF00UL) : (a.High, 0);

    /// <summary>Private, shared, unique-local or link-local address (RFC 1918, 6598, 3927, 4193, 4291).</summary>
    public static bool IsPrivate(HostAddress a)
    {
        if (a.IsV4)
        {
            var v = a.V4;
            return (v >> 24) == 10 || (v >> 20) == 0xAC1 || (v >> 16) == 0xC0A8 || (v >> 22) == 0x191 || (v >> 16) == 0xA9FE || (v >> 24) == 127;
        }

        var top = a.High >> 48;
        return (top & 0xFE00) == 0xFC00 || (top & 0xFFC0) == 0xFE80;
    }

    /// <summary>Writes the profile as JSON.</summary>
    public void Save(Stream stream)
    {
        var dto = new ProfileDto
        {
            Flows = Flows,
            Hosts = _hosts.Keys.Select(h => h.ToString()).Order(StringComparer.Ordinal).ToList(),
            Bmcs = _bmcs.Select(h => h.ToString()).Order(StringComparer.Ordinal).ToList(),
            Pairs = _pairs.Keys.Select(p => $"{p.Item1} {p.Item2}").Order(StringComparer.Ordinal).ToList(),
            ClientServices = _clientServices.Keys.Select(p => $"{p.Item1} {p.Item2}").Order(StringComparer.Ordinal).ToList(),
            ServerServices = _serverServices.Keys.Select(p => $"{p.Item1} {p.Item2}").Order(StringComparer.Ordinal).ToList(),
            Networks = _networks.Select(n => new HostAddress(n.Item1, n.Item2).ToString()).Order(StringComparer.Ordinal).ToList(),
            ServerIdentities = _identities.Count == 0 ? null : _identities
                .SelectMany(c => c.Value.Select(f => string.Create(CultureInfo.InvariantCulture, $"{c.Key.Item1} {c.Key.Item2} {f}")))
                .Order(StringComparer.Ordinal).ToList(),
        };
        JsonSerializer.Serialize(stream, dto, ProfileJson.Default.ProfileDto);
    }

    /// <summary>Reads a profile written by <see cref="Save"/>; throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public static BaselineProfile Load(Stream stream)
    {
        ProfileDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(stream, ProfileJson.Default.ProfileDto);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("the baseline profile is not valid JSON: " + ex.Message, ex);
        }

        if (dto is null)
        {
            throw new InvalidDataException("the baseline profile is empty");
        }

        var p = new BaselineProfile { Flows = dto.Flows };
        foreach (var h in Bounded(dto.Hosts, "hosts"))
        {
            p._hosts[ParseHost(h)] = 1;
        }

        foreach (var h in Bounded(dto.Bmcs, "bmcs"))
        {
            p._bmcs.Add(ParseHost(h));
        }

        foreach (var pair in Bounded(dto.Pairs, "pairs"))
        {
            var (a, b) = Split(pair);
            p._pairs[(ParseHost(a), ParseHost(b))] = 1;
        }

        foreach (var cs in Bounded(dto.ClientServices, "client_services"))
        {
            var (a, b) = Split(cs);
            p._clientServices[(ParseHost(a), b)] = 1;
        }

        foreach (var ss in Bounded(dto.ServerServices, "server_services"))
        {
            var (a, b) = Split(ss);
            p._serverServices[(ParseHost(a), b)] = 1;
        }

        foreach (var n in Bounded(dto.Networks, "networks"))
        {
            p._networks.Add(NetworkOf(ParseHost(n)));
        }

        foreach (var c in Bounded(dto.ServerIdentities, "server_identities"))
        {
            var (host, rest) = Split(c);
            var (port, fingerprint) = Split(rest);
            if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !IsFingerprint(fingerprint))
            {
                throw new InvalidDataException($"malformed server identity '{Truncate(c)}' in the baseline profile");
            }

            p.AddIdentity((ParseHost(host), number), fingerprint);
        }

        return p;
    }

    private static List<string> Bounded(List<string>? list, string name)
    {
        list ??= [];
        return list.Count <= MaxEntries ? list : throw new InvalidDataException($"the baseline profile's {name} has {list.Count} entries, more than {MaxEntries}");
    }

    private static (string, string) Split(string s)
    {
        var space = s.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? (s[..space], s[(space + 1)..]) : throw new InvalidDataException($"malformed baseline entry '{Truncate(s)}'");
    }

    private static HostAddress ParseHost(string s) =>
        HostAddress.TryParse(s, out var a) ? a : throw new InvalidDataException($"malformed address '{Truncate(s)}' in the baseline profile");

    /// <summary>
    /// An identity as the analyzers write them: a certificate's SHA-1, 20 lower-case hex bytes joined by ':'
    /// (TLS), a host key's "SHA256:" and 43 characters of unpadded base64 (SSH), or a BMC's GUID, 32 lower-case
    /// hex digits (IPMI).
    /// </summary>
    private static bool IsFingerprint(string s) =>
        (s.Length == 59 && s.Select((c, i) => i % 3 == 2 ? c == ':' : char.IsAsciiHexDigitLower(c)).All(ok => ok)) ||
        (s.Length == 50 && s.StartsWith("SHA256:", StringComparison.Ordinal) && s[7..].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/')) ||
        (s.Length == 32 && s.All(char.IsAsciiHexDigitLower));

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "...";

    internal sealed class ProfileDto
    {
        [JsonPropertyName("flows")]
        public long Flows { get; set; }

        [JsonPropertyName("hosts")]
        public List<string>? Hosts { get; set; }

        [JsonPropertyName("bmcs")]
        public List<string>? Bmcs { get; set; }

        [JsonPropertyName("pairs")]
        public List<string>? Pairs { get; set; }

        [JsonPropertyName("client_services")]
        public List<string>? ClientServices { get; set; }

        [JsonPropertyName("server_services")]
        public List<string>? ServerServices { get; set; }

        [JsonPropertyName("networks")]
        public List<string>? Networks { get; set; }

        /// <summary>"server port fingerprint" for each TLS certificate, SSH host key or BMC GUID a server presented; absent before this existed.</summary>
        [JsonPropertyName("server_identities")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<string>? ServerIdentities { get; set; }
    }
}

/// <summary>Source-generated JSON contract for the profile (no reflection at load time).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(BaselineProfile.ProfileDto))]
internal sealed partial class ProfileJson : JsonSerializerContext;
