using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace MgmtWatch.Core.Analyzers.Ssh;

/// <summary>
/// SSH_MSG_KEXINIT (RFC 4253 §7.1): the algorithm name-lists one side offers, in order of preference.
/// </summary>
internal sealed class SshKexInit
{
    /// <summary>SSH_MSG_KEXINIT (RFC 4253 §12).</summary>
    public const byte MessageNumber = 20;

    /// <summary>Name-lists kept at most this long (real lists are under 1 KiB; the cap bounds a hostile one).</summary>
    private const int MaxListLength = 4096;

    /// <summary>kex, host key, encryption c→s and s→c, MAC c→s and s→c, compression c→s and s→c, languages c→s and s→c.</summary>
    private const int ListCount = 10;

    private readonly string[] _lists = new string[ListCount];

    public string Kex => _lists[0];

    public string HostKey => _lists[1];

    public string EncryptionClientToServer => _lists[2];

    public string EncryptionServerToClient => _lists[3];

    public string MacClientToServer => _lists[4];

    public string MacServerToClient => _lists[5];

    public string CompressionClientToServer => _lists[6];

    public string CompressionServerToClient => _lists[7];

    /// <summary>Parses the payload of a binary packet (message number first); false when malformed.</summary>
    public bool Parse(ReadOnlySpan<byte> payload)
    {
        var r = new ByteReader(payload);
        if (!r.TryU8(out var message) || message != MessageNumber || !r.TrySkip(16))
        {
            return false;
        }

        for (var i = 0; i < ListCount; i++)
        {
            if (!r.TryU32(out var length) || length > MaxListLength || !r.TryBytes((int)length, out var list))
            {
                return false;
            }

            // Algorithm names are printable US-ASCII (RFC 4251 §6); anything else is escaped.
            _lists[i] = WireText.Escape(list, MaxListLength);
        }

        return r.TryU8(out _) && r.TryU32(out _);
    }

    /// <summary>HASSH (Salesforce) of a client: MD5 of "kex;encryption;mac;compression", client-to-server lists.</summary>
    public string ClientHassh() => Md5($"{Kex};{EncryptionClientToServer};{MacClientToServer};{CompressionClientToServer}");

    /// <summary>HASSHServer: the same over the server-to-client lists.</summary>
    public string ServerHassh() => Md5($"{Kex};{EncryptionServerToClient};{MacServerToClient};{CompressionServerToClient}");

    /// <summary>
    /// The algorithm both sides will use (RFC 4253 §7.1): the first name on the client's list that is also on
    /// the server's; null when there is none (the key exchange fails).
    /// </summary>
    public static string? Negotiate(string clientList, string serverList)
    {
        ArgumentNullException.ThrowIfNull(clientList);
        ArgumentNullException.ThrowIfNull(serverList);
        var offered = serverList.Split(',');
        foreach (var name in clientList.Split(','))
        {
            if (name.Length > 0 && Array.IndexOf(offered, name) >= 0)
            {
                return name;
            }
        }

        return null;
    }

    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Primitives",
        Justification = "HASSH is defined as MD5 of the algorithm lists; it is an identifier for matching published fingerprints, not a security control.")]
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(text)));
}
