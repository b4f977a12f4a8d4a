using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MgmtWatch.Core.Analyzers.Ssh;

/// <summary>
/// The server host key of an SSH key exchange reply (RFC 4253 §8, RFC 5656 §4, RFC 4419 §3): the reply
/// opens with the key blob K_S, string(key type) followed by the key's own fields, sent in clear. Its
/// fingerprint is OpenSSH's (<c>ssh-keygen -l</c>, and what a client shows when the key changes):
/// <c>SHA256:</c> and the unpadded base64 of the blob's SHA-256.
/// </summary>
internal static class SshHostKey
{
    /// <summary>Longest key type name accepted ("ecdsa-sha2-nistp521-cert-v01@openssh.com" is 40).</summary>
    private const int MaxTypeLength = 64;

    /// <summary>
    /// The fingerprint of the host key at the start of <paramref name="reply"/> (the message after its type
    /// byte). False when the message does not open with a key blob: a group exchange's GEX_GROUP shares
    /// the reply's message number and opens with a prime instead, whose first bytes are no type name.
    /// </summary>
    public static bool TryFingerprint(ReadOnlySpan<byte> reply, out string fingerprint)
    {
        fingerprint = "";
        if (reply.Length < 8)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(reply);
        if (length < 8 || length > reply.Length - 4)
        {
            return false;
        }

        var blob = reply.Slice(4, (int)length);
        var typeLength = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (typeLength is 0 or > MaxTypeLength || typeLength > blob.Length - 4)
        {
            return false;
        }

        foreach (var c in blob.Slice(4, (int)typeLength))
        {
            // Algorithm names (RFC 4251 §6): printable US-ASCII, no comma or space.
            if (c is <= 0x20 or >= 0x7F or (byte)',')
            {
                return false;
            }
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(blob, digest);
        fingerprint = "SHA256:" + Convert.ToBase64String(digest).TrimEnd('=');
        return true;
    }
}
