using System.Buffers.Binary;

namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// RMCP+ Open Session Response (payload type 0x11, IPMI v2.0 §13.18): <c>tag | status | max privilege |
/// reserved | console session id (4) | BMC session id (4) | algorithm records</c>. After an error status the
/// message may stop early: the spec keeps the first 8 bytes, and ipmi_sim (OpenIPMI 2.0.33) sends only the
/// tag and the status.
/// </summary>
internal readonly record struct OpenSessionResponse
{
    /// <summary>Tag and status: the least any response carries.</summary>
    public const int MinimumLength = 2;

    /// <summary>Tag, status, privilege, reserved, both session ids: the least a success carries.</summary>
    public const int SuccessFixedLength = 12;

    /// <summary>Message tag.</summary>
    public byte Tag { get; init; }

    /// <summary>RMCP+ status code (§13.24).</summary>
    public byte Status { get; init; }

    /// <summary>Maximum privilege the BMC grants.</summary>
    public byte MaxPrivilege { get; init; }

    /// <summary>True when the console session id is present.</summary>
    public bool HasConsoleSessionId { get; init; }

    /// <summary>Echo of the console's session id.</summary>
    public uint ConsoleSessionId { get; init; }

    /// <summary>The session id the BMC chose (console→BMC packets carry it).</summary>
    public uint BmcSessionId { get; init; }

    /// <summary>The algorithms the BMC chose (status 0 only).</summary>
    public AlgorithmSet Algorithms { get; init; }

    /// <summary>False when a success response lacks its session ids or has malformed or missing records.</summary>
    public bool Complete { get; init; }

    /// <summary>Parses <paramref name="payload"/>; false when it is shorter than two bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out OpenSessionResponse response)
    {
        response = default;
        if (payload.Length < MinimumLength)
        {
            return false;
        }

        var status = payload[1];
        var hasConsole = payload.Length >= 8;
        var complete = status != Rmcp.StatusOk;
        var algorithms = default(AlgorithmSet);
        uint bmc = 0;
        if (status == Rmcp.StatusOk && payload.Length >= SuccessFixedLength)
        {
            bmc = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
            complete = AlgorithmSet.TryRead(payload[SuccessFixedLength..], out algorithms) && algorithms.Complete;
        }

        response = new OpenSessionResponse
        {
            Tag = payload[0],
            Status = status,
            MaxPrivilege = payload.Length > 2 ? (byte)(payload[2] & 0x0F) : (byte)0,
            HasConsoleSessionId = hasConsole,
            ConsoleSessionId = hasConsole ? BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) : 0,
            BmcSessionId = bmc,
            Algorithms = algorithms,
            Complete = complete,
        };
        return true;
    }
}
