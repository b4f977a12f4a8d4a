using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// RAKP Message 2 (payload type 0x13, IPMI v2.0 §13.21), BMC to console: <c>tag | status | reserved(2) |
/// console session id (4) | BMC random Rm (16) | BMC GUID (16) | key-exchange auth code</c>. The auth code
/// is HMAC_Kuid over both randoms, ids, role and user name: with the plaintext fields it is an
/// offline-crackable password hash (CVE-2013-4786); 20 bytes for RAKP-HMAC-SHA1, 16 for MD5, 32 for SHA256,
/// none for RAKP-none. Only its length is kept.
/// </summary>
internal readonly record struct Rakp2Message
{
    /// <summary>Everything before the auth code.</summary>
    public const int FixedLength = 40;

    /// <summary>Message tag.</summary>
    public byte Tag { get; init; }

    /// <summary>RMCP+ status code (§13.24).</summary>
    public byte Status { get; init; }

    /// <summary>True when the console session id is present.</summary>
    public bool HasConsoleSessionId { get; init; }

    /// <summary>The console's session id.</summary>
    public uint ConsoleSessionId { get; init; }

    /// <summary>Key-exchange auth code length (0 when absent or the message is an error).</summary>
    public int AuthCodeLength { get; init; }

    /// <summary>True when the auth code is all zero bytes: no usable hash (Metasploit skips these too).</summary>
    public bool AuthCodeAllZero { get; init; }

    /// <summary>True for a success message with all fixed fields.</summary>
    public bool Complete { get; init; }

    /// <summary>
    /// The BMC's managed-system GUID, in wire order (§13.21; the GUID Get System GUID returns, §22.14): it names
    /// the machine, so another one at the same address answers with another GUID. Zero unless the message is a
    /// complete success.
    /// </summary>
    public UInt128 Guid { get; init; }

    /// <summary>Parses <paramref name="payload"/>; false when it is shorter than tag and status.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out Rakp2Message message)
    {
        message = default;
        if (payload.Length < 2)
        {
            return false;
        }

        var status = payload[1];
        var complete = status == Rmcp.StatusOk && payload.Length >= FixedLength;
        var code = complete ? payload[FixedLength..] : default;
        message = new Rakp2Message
        {
            Tag = payload[0],
            Status = status,
            HasConsoleSessionId = payload.Length >= 8,
            ConsoleSessionId = payload.Length >= 8 ? BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) : 0,
            AuthCodeLength = code.Length,
            AuthCodeAllZero = code.Length > 0 && !code.ContainsAnyExcept((byte)0),
            Complete = complete || status != Rmcp.StatusOk,
            Guid = complete ? BinaryPrimitives.ReadUInt128BigEndian(payload[24..]) : UInt128.Zero,
        };
        return true;
    }
}
