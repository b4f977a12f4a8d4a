using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// RMCP+ Open Session Request (payload type 0x10, IPMI v2.0 §13.17): <c>tag | requested max privilege
/// (bits 3:0) | reserved(2) | remote-console session id (4, LE) | algorithm records</c>.
/// </summary>
internal readonly record struct OpenSessionRequest
{
    /// <summary>Tag, privilege, reserved, console session id.</summary>
    public const int FixedLength = 8;

    /// <summary>Message tag (echoed in the response).</summary>
    public byte Tag { get; init; }

    /// <summary>Requested maximum privilege (0 = highest the proposed algorithms allow).</summary>
    public byte RequestedPrivilege { get; init; }

    /// <summary>The session id the console wants the BMC to use towards it.</summary>
    public uint ConsoleSessionId { get; init; }

    /// <summary>Proposed algorithms.</summary>
    public AlgorithmSet Algorithms { get; init; }

    /// <summary>False when an algorithm record was malformed.</summary>
    public bool RecordsValid { get; init; }

    /// <summary>Parses <paramref name="payload"/>; false when it is shorter than the fixed part.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out OpenSessionRequest request)
    {
        request = default;
        if (payload.Length < FixedLength)
        {
            return false;
        }

        var valid = AlgorithmSet.TryRead(payload[FixedLength..], out var algorithms);
        request = new OpenSessionRequest
        {
            Tag = payload[0],
            RequestedPrivilege = (byte)(payload[1] & 0x0F),
            ConsoleSessionId = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]),
            Algorithms = algorithms,
            RecordsValid = valid && algorithms.Present == 0b111,
        };
        return true;
    }
}
