using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// RAKP Message 3 (payload type 0x14, §13.22, console to BMC) and RAKP Message 4 (0x15, §13.23, BMC to
/// console) share one layout: <c>tag | status | reserved(2) | session id (4) | auth code</c>; RAKP3 carries
/// the BMC's session id and the console's proof of the password, RAKP4 the console's session id and the
/// integrity check value. A RAKP3 with a non-zero status is a console abandoning the exchange; a RAKP4
/// with status 0x0F or 0x0D rejects the password.
/// </summary>
internal readonly record struct Rakp34Message
{
    /// <summary>Tag, status, reserved, session id.</summary>
    public const int FixedLength = 8;

    /// <summary>Message tag.</summary>
    public byte Tag { get; init; }

    /// <summary>RMCP+ status code.</summary>
    public byte Status { get; init; }

    /// <summary>True when the session id is present.</summary>
    public bool HasSessionId { get; init; }

    /// <summary>The receiver's session id.</summary>
    public uint SessionId { get; init; }

    /// <summary>Auth code / ICV length.</summary>
    public int AuthCodeLength { get; init; }

    /// <summary>Parses <paramref name="payload"/>; false when it is shorter than tag and status.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out Rakp34Message message)
    {
        message = default;
        if (payload.Length < 2)
        {
            return false;
        }

        var hasId = payload.Length >= FixedLength;
        message = new Rakp34Message
        {
            Tag = payload[0],
            Status = payload[1],
            HasSessionId = hasId,
            SessionId = hasId ? BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) : 0,
            AuthCodeLength = hasId ? payload.Length - FixedLength : 0,
        };
        return true;
    }
}
