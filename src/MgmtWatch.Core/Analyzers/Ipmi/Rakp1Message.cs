using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// RAKP Message 1 (payload type 0x12, IPMI v2.0 §13.20), console to BMC: <c>tag | reserved(3) | BMC session
/// id (4) | console random Rc (16) | requested role | reserved(2) | user name length | user name</c>. The
/// role's bit 4 asks for a name-only lookup, bits 3:0 the privilege. The user name is a credential: it is
/// only ever fingerprinted.
/// </summary>
internal readonly ref struct Rakp1Message
{
    /// <summary>Everything before the user name.</summary>
    public const int FixedLength = 28;

    /// <summary>Longest user name IPMI allows (§13.20: 0–16 bytes).</summary>
    public const int MaxUserNameLength = 16;

    private Rakp1Message(byte tag, uint bmcSessionId, byte role, int declaredLength, ReadOnlySpan<byte> userName)
    {
        Tag = tag;
        BmcSessionId = bmcSessionId;
        Role = role;
        DeclaredUserNameLength = declaredLength;
        UserName = userName;
    }

    /// <summary>Message tag.</summary>
    public byte Tag { get; }

    /// <summary>The BMC's session id from the Open Session Response.</summary>
    public uint BmcSessionId { get; }

    /// <summary>Requested role byte.</summary>
    public byte Role { get; }

    /// <summary>The user name length byte as sent.</summary>
    public int DeclaredUserNameLength { get; }

    /// <summary>The user name bytes present (fewer than declared when the payload is short).</summary>
    public ReadOnlySpan<byte> UserName { get; }

    /// <summary>True when the payload holds all the user name bytes declared.</summary>
    public bool UserNameComplete => UserName.Length == DeclaredUserNameLength;

    /// <summary>Parses <paramref name="payload"/>; false when it is shorter than the fixed part.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out Rakp1Message message)
    {
        message = default;
        if (payload.Length < FixedLength)
        {
            return false;
        }

        var declared = payload[27];
        var available = Math.Min(declared, payload.Length - FixedLength);
        message = new Rakp1Message(payload[0], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), payload[24], declared,
            payload.Slice(FixedLength, available));
        return true;
    }
}
