namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// The authentication, integrity and confidentiality payload records of an RMCP+ Open Session Request or
/// Response (IPMI v2.0 §13.17–13.18): each record is <c>type | reserved(2) | length | algorithm | reserved(3)</c>,
/// 8 bytes, type 0/1/2, length 8, or length 0 for a wildcard ("the BMC chooses"). A request may repeat a
/// type to propose several algorithms; the first of each type is kept, and any proposal of RAKP-none is
/// remembered. Parsed by type and length, not by fixed offset.
/// </summary>
internal readonly record struct AlgorithmSet
{
    /// <summary>One algorithm payload record.</summary>
    public const int RecordLength = 8;

    /// <summary>Authentication algorithm (bits 5:0) of the first authentication record.</summary>
    public byte Authentication { get; init; }

    /// <summary>Integrity algorithm of the first integrity record.</summary>
    public byte Integrity { get; init; }

    /// <summary>Confidentiality algorithm of the first confidentiality record.</summary>
    public byte Confidentiality { get; init; }

    /// <summary>Bit 0/1/2: an authentication/integrity/confidentiality record was present.</summary>
    public byte Present { get; init; }

    /// <summary>Bit 0/1/2: the first record of that type was a wildcard.</summary>
    public byte Wildcards { get; init; }

    /// <summary>True when any authentication record proposes algorithm 0 (RAKP-none, cipher suite 0).</summary>
    public bool AuthenticationNoneProposed { get; init; }

    /// <summary>True when all three types are present and none is a wildcard.</summary>
    public bool Complete => Present == 0b111 && Wildcards == 0;

    /// <summary>
    /// Reads records from <paramref name="records"/>. Returns false (with what was read so far) when a record
    /// has an unknown type or a length other than 0 or 8, or is cut short.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> records, out AlgorithmSet set)
    {
        byte auth = 0, integrity = 0, confidentiality = 0, present = 0, wildcards = 0;
        var noneProposed = false;
        var ok = true;
        for (var i = 0; i < records.Length; i += RecordLength)
        {
            if (records.Length - i < RecordLength)
            {
                ok = false;
                break;
            }

            var type = records[i];
            var length = records[i + 3];
            var alg = (byte)(records[i + 4] & 0x3F);
            if (type > 2 || length is not (0 or RecordLength))
            {
                ok = false;
                break;
            }

            var bit = (byte)(1 << type);
            var wildcard = length == 0;
            if (type == 0 && !wildcard && alg == 0)
            {
                noneProposed = true;
            }

            if ((present & bit) != 0)
            {
                continue; // a further proposal of the same type: the first one is the one reported
            }

            present |= bit;
            if (wildcard)
            {
                wildcards |= bit;
            }

            switch (type)
            {
                case 0:
                    auth = alg;
                    break;
                case 1:
                    integrity = alg;
                    break;
                default:
                    confidentiality = alg;
                    break;
            }
        }

        set = new AlgorithmSet
        {
            Authentication = auth,
            Integrity = integrity,
            Confidentiality = confidentiality,
            Present = present,
            Wildcards = wildcards,
            AuthenticationNoneProposed = noneProposed,
        };
        return ok;
    }
}
