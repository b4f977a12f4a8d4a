using System.Security.Cryptography;

namespace MgmtWatch.Core.Analyzers;

/// <summary>
/// Turns a credential seen on the wire (SNMP community, IPMI or HTTP user name, password) into a keyed
/// fingerprint: HMAC-SHA256 under a per-installation key, shortened to 64 bits. The same credential gives
/// the same fingerprint on one installation, so an analyst can tell whether two alerts saw the same
/// secret, but the secret cannot be read back or looked up in a table computed elsewhere. The clear text
/// never reaches an alert, a log or a flow record.
/// </summary>
public sealed class CredentialFingerprinter
{
    /// <summary>Key length in bytes (HMAC-SHA256 block-sized keys gain nothing beyond 32).</summary>
    public const int KeyLength = 32;

    /// <summary>Recently fingerprinted secrets kept (slots, a power of two).</summary>
    private const int RecentSlots = 64;

    /// <summary>Longest secret kept among the recent ones; longer ones always cost an HMAC.</summary>
    private const int MaxRecentLength = 64;

    private readonly byte[] _key;

    /// <summary>
    /// The last secret fingerprinted in each slot, with its fingerprint. A management network repeats a
    /// handful of credentials (every SNMP poll carries the community, every IPMI session the user name),
    /// and an HMAC through OpenSSL costs about a microsecond, so a repeat is answered from here. The clear
    /// secrets stay in this process's memory only, as they do in its capture buffers; at most
    /// <see cref="RecentSlots"/> of them, each replaced by the next secret hashing to its slot. Entries are
    /// immutable and swapped whole, so concurrent callers need no lock.
    /// </summary>
    private readonly Recent?[] _recent = new Recent?[RecentSlots];

    /// <summary>Uses <paramref name="key"/> (32 bytes).</summary>
    public CredentialFingerprinter(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("a fingerprint key needs at least 16 bytes", nameof(key));
        }

        _key = key;
    }

    /// <summary>Where the key came from, for the log.</summary>
    public string Origin { get; init; } = "(given)";

    /// <summary>The fingerprint of <paramref name="secret"/>: <c>hmac:</c> and 16 hex digits.</summary>
    public string Fingerprint(ReadOnlySpan<byte> secret)
    {
        if (secret.Length > MaxRecentLength)
        {
            return Compute(secret);
        }

        var slot = SlotOf(secret);
        var recent = Volatile.Read(ref _recent[slot]);
        if (recent is not null && secret.SequenceEqual(recent.Secret))
        {
            return recent.Fingerprint;
        }

        var fingerprint = Compute(secret);
        Volatile.Write(ref _recent[slot], new Recent(secret.ToArray(), fingerprint));
        return fingerprint;
    }

    private string Compute(ReadOnlySpan<byte> secret)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, secret, mac);
        return "hmac:" + Convert.ToHexStringLower(mac[..8]);
    }

    /// <summary>
    /// The secret's slot. <see cref="HashCode"/> is seeded per process, so a sender cannot choose secrets
    /// that share a slot on purpose (and if it could, it would only cost HMACs, never a wrong answer).
    /// </summary>
    private static int SlotOf(ReadOnlySpan<byte> secret)
    {
        var hash = default(HashCode);
        hash.AddBytes(secret);
        return hash.ToHashCode() & (RecentSlots - 1);
    }

    /// <summary>
    /// Loads the key from <paramref name="path"/>, creating it (random, owner-only permissions) when absent.
    /// When it can be neither read nor created, a random key for this run is used and <paramref name="warning"/>
    /// says so: fingerprints are then comparable only within the run.
    /// </summary>
    public static CredentialFingerprinter LoadOrCreate(string path, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(path);
        warning = null;
        try
        {
            if (File.Exists(path))
            {
                var existing = File.ReadAllBytes(path);
                if (existing.Length >= 16)
                {
                    return new CredentialFingerprinter(existing) { Origin = path };
                }

                warning = $"fingerprint key {path} is shorter than 16 bytes; using a key for this run only";
                return Ephemeral();
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var key = RandomNumberGenerator.GetBytes(KeyLength);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var f = new FileStream(path, options))
            {
                f.Write(key);
            }

            return new CredentialFingerprinter(key) { Origin = path };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warning = $"cannot read or create fingerprint key {path} ({ex.Message}); using a key for this run only";
            return Ephemeral();
        }
    }

    /// <summary>A random key for this process only.</summary>
    public static CredentialFingerprinter Ephemeral() => new(RandomNumberGenerator.GetBytes(KeyLength)) { Origin = "(this run only)" };

    /// <summary>The default key location: $MGMTWATCH_FINGERPRINT_KEY, else the user's config directory.</summary>
    public static string DefaultPath()
    {
        var configured = Environment.GetEnvironmentVariable("MGMTWATCH_FINGERPRINT_KEY");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config))
        {
            config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        }

        return Path.Combine(config, "mgmtwatch", "fingerprint.key");
    }

    private sealed record Recent(byte[] Secret, string Fingerprint);
}
