using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Detection;

/// <summary>
/// A bounded, immutable set of CIDR prefixes with a membership test that allocates nothing: site
/// settings such as the SNMP manager networks. At most <see cref="MaxPrefixes"/> prefixes, so the
/// linear test stays a few microseconds at worst; real sites list a handful.
/// </summary>
public sealed class NetworkSet
{
    /// <summary>Prefixes held at most.</summary>
    public const int MaxPrefixes = 1024;

    private readonly NetworkPrefix[] _prefixes;

    private NetworkSet(NetworkPrefix[] prefixes) => _prefixes = prefixes;

    /// <summary>The empty set ("not configured").</summary>
    public static NetworkSet Empty { get; } = new([]);

    /// <summary>The prefixes.</summary>
    public IReadOnlyList<NetworkPrefix> Prefixes => _prefixes;

    /// <summary>True when no prefix is configured.</summary>
    public bool IsEmpty => _prefixes.Length == 0;

    /// <summary>True when <paramref name="address"/> lies in one of the prefixes.</summary>
    public bool Contains(HostAddress address)
    {
        foreach (var prefix in _prefixes)
        {
            if (prefix.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses CIDR prefixes (see <see cref="NetworkPrefix.TryParse"/>). Returns an error message, or null.</summary>
    public static string? TryParse(IEnumerable<string> prefixes, out NetworkSet set)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        set = Empty;
        List<NetworkPrefix> parsed = [];
        foreach (var text in prefixes)
        {
            if (!NetworkPrefix.TryParse(text, out var prefix, out var error))
            {
                return error;
            }

            if (parsed.Count == MaxPrefixes)
            {
                return $"more than {MaxPrefixes} network prefixes";
            }

            parsed.Add(prefix);
        }

        set = new NetworkSet([.. parsed]);
        return null;
    }

    /// <summary>Parses prefixes known to be valid (configuration defaults, tests); throws on a bad one.</summary>
    public static NetworkSet Parse(params string[] prefixes)
    {
        var error = TryParse(prefixes, out var set);
        return error is null ? set : throw new FormatException(error);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(",", _prefixes);
}
