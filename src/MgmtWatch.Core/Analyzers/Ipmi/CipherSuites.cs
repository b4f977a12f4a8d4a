namespace MgmtWatch.Core.Analyzers.Ipmi;

/// <summary>
/// IPMI cipher suites: the standard suite ids of IPMI v2.0 §22.15.2 (Table 22-20, suites 15–19 from the
/// errata and DCMI) as (authentication, integrity, confidentiality) algorithm triples, and the record list
/// of a Get Channel Cipher Suites response.
/// </summary>
internal static class CipherSuites
{
    /// <summary>Highest standard suite id.</summary>
    public const int MaxStandardId = 19;

    // Index = suite id; value = auth << 16 | integrity << 8 | confidentiality.
    private static ReadOnlySpan<int> Standard =>
    [
        0x000000, // 0  RAKP-none, none, none
        0x010000, // 1  RAKP-HMAC-SHA1, none, none
        0x010100, // 2  RAKP-HMAC-SHA1, HMAC-SHA1-96, none
        0x010101, // 3  RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128 (mandatory for v2.0 BMCs)
        0x010102, // 4  RAKP-HMAC-SHA1, HMAC-SHA1-96, xRC4-128
        0x010103, // 5  RAKP-HMAC-SHA1, HMAC-SHA1-96, xRC4-40
        0x020000, // 6  RAKP-HMAC-MD5, none, none
        0x020200, // 7  RAKP-HMAC-MD5, HMAC-MD5-128, none
        0x020201, // 8  RAKP-HMAC-MD5, HMAC-MD5-128, AES-CBC-128
        0x020202, // 9  RAKP-HMAC-MD5, HMAC-MD5-128, xRC4-128
        0x020203, // 10 RAKP-HMAC-MD5, HMAC-MD5-128, xRC4-40
        0x020300, // 11 RAKP-HMAC-MD5, MD5-128, none
        0x020301, // 12 RAKP-HMAC-MD5, MD5-128, AES-CBC-128
        0x020302, // 13 RAKP-HMAC-MD5, MD5-128, xRC4-128
        0x020303, // 14 RAKP-HMAC-MD5, MD5-128, xRC4-40
        0x030000, // 15 RAKP-HMAC-SHA256, none, none
        0x030400, // 16 RAKP-HMAC-SHA256, HMAC-SHA256-128, none
        0x030401, // 17 RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128
        0x030402, // 18 RAKP-HMAC-SHA256, HMAC-SHA256-128, xRC4-128
        0x030403, // 19 RAKP-HMAC-SHA256, HMAC-SHA256-128, xRC4-40
    ];

    /// <summary>The standard suite id of an algorithm triple, or -1 when it is not a standard suite.</summary>
    public static int IdOf(byte authentication, byte integrity, byte confidentiality)
    {
        var key = (authentication << 16) | (integrity << 8) | confidentiality;
        var table = Standard;
        for (var i = 0; i < table.Length; i++)
        {
            if (table[i] == key)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Reads the records of a Get Channel Cipher Suites response (§22.15, Table 22-19): a start byte
    /// (0xC0 standard, 0xC1 OEM followed by a 3-byte IANA), the suite id, then algorithm bytes tagged in
    /// bits 7:6 (00 authentication, 01 integrity, 10 confidentiality). Sets a bit per suite id below 64 in
    /// <paramref name="suites"/>, and <paramref name="authNone"/> when a record lists authentication
    /// algorithm 0 (RAKP-none). Stops quietly at a record cut short: the list may continue in the next page.
    /// </summary>
    public static void ReadRecords(ReadOnlySpan<byte> records, ref ulong suites, ref bool authNone)
    {
        var i = 0;
        while (i < records.Length)
        {
            var start = records[i];
            if (start is not (Rmcp.CipherRecordStandard or Rmcp.CipherRecordOem))
            {
                i++; // not a record start: resynchronise on the next one
                continue;
            }

            if (i + 1 >= records.Length)
            {
                return;
            }

            var id = records[i + 1];
            if (id < 64)
            {
                suites |= 1UL << id;
            }

            i += start == Rmcp.CipherRecordOem ? 5 : 2;
            while (i < records.Length && (records[i] & 0xC0) != 0xC0)
            {
                if ((records[i] & 0xC0) == 0x00 && (records[i] & 0x3F) == 0x00)
                {
                    authNone = true;
                }

                i++;
            }
        }
    }
}
