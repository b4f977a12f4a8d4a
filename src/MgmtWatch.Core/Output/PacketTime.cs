using System.Buffers.Text;

namespace MgmtWatch.Core.Output;

/// <summary>
/// Formats packet time (nanoseconds since the Unix epoch) the way each output schema wants it, into
/// UTF-8 spans without allocating: EVE's <c>2026-03-01T12:00:00.123456+0000</c> and Zeek's epoch seconds
/// with six decimals. Sub-microsecond digits are truncated, as Suricata and Zeek do.
/// </summary>
public static class PacketTime
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Maximum length of an EVE timestamp.</summary>
    public const int EveLength = 31;

    /// <summary>Writes <c>yyyy-MM-ddTHH:mm:ss.ffffff+0000</c>; returns the length.</summary>
    public static int WriteEve(long ns, Span<byte> d)
    {
        var seconds = FloorDiv(ns, NanosPerSecond, out var remainder);
        var micros = (int)(remainder / 1000);
        var days = FloorDiv(seconds, 86_400, out var secondOfDay);
        CivilFromDays(days, out var year, out var month, out var day);
        year = Math.Clamp(year, 0, 9999);
        Write4(d, year);
        d[4] = (byte)'-';
        Write2(d[5..], month);
        d[7] = (byte)'-';
        Write2(d[8..], day);
        d[10] = (byte)'T';
        Write2(d[11..], (int)(secondOfDay / 3600));
        d[13] = (byte)':';
        Write2(d[14..], (int)(secondOfDay / 60 % 60));
        d[16] = (byte)':';
        Write2(d[17..], (int)(secondOfDay % 60));
        d[19] = (byte)'.';
        Write6(d[20..], micros);
        "+0000"u8.CopyTo(d[26..]);
        return EveLength;
    }

    /// <summary>The EVE timestamp as a string (tests and logs).</summary>
    public static string ToEveString(long ns)
    {
        Span<byte> b = stackalloc byte[EveLength];
        return System.Text.Encoding.ASCII.GetString(b[..WriteEve(ns, b)]);
    }

    /// <summary>Writes seconds with exactly six decimals (Zeek <c>ts</c> and <c>duration</c>); returns the length.</summary>
    public static int WriteSeconds(long ns, Span<byte> d)
    {
        var n = 0;
        if (ns < 0 && ns > -NanosPerSecond)
        {
            d[n++] = (byte)'-';
        }

        var seconds = ns / NanosPerSecond;
        var micros = Math.Abs(ns % NanosPerSecond) / 1000;
        Utf8Formatter.TryFormat(seconds, d[n..], out var w);
        n += w;
        d[n++] = (byte)'.';
        Write6(d[n..], (int)micros);
        return n + 6;
    }

    /// <summary>Seconds with six decimals as a string (tests).</summary>
    public static string ToSecondsString(long ns)
    {
        Span<byte> b = stackalloc byte[32];
        return System.Text.Encoding.ASCII.GetString(b[..WriteSeconds(ns, b)]);
    }

    private static long FloorDiv(long a, long b, out long remainder)
    {
        var q = a / b;
        remainder = a % b;
        if (remainder < 0)
        {
            q--;
            remainder += b;
        }

        return q;
    }

    /// <summary>Howard Hinnant's days_from_civil inverse: proleptic Gregorian date of a day count since 1970-01-01.</summary>
    private static void CivilFromDays(long z, out int year, out int month, out int day)
    {
        z += 719_468;
        var era = (z >= 0 ? z : z - 146_096) / 146_097;
        var doe = z - (era * 146_097);
        var yoe = (doe - (doe / 1460) + (doe / 36_524) - (doe / 146_096)) / 365;
        var y = yoe + (era * 400);
        var doy = doe - ((365 * yoe) + (yoe / 4) - (yoe / 100));
        var mp = ((5 * doy) + 2) / 153;
        day = (int)(doy - (((153 * mp) + 2) / 5) + 1);
        month = (int)(mp < 10 ? mp + 3 : mp - 9);
        year = (int)(y + (month <= 2 ? 1 : 0));
    }

    private static void Write2(Span<byte> d, int v)
    {
        d[0] = (byte)('0' + (v / 10));
        d[1] = (byte)('0' + (v % 10));
    }

    private static void Write4(Span<byte> d, int v)
    {
        Write2(d, v / 100);
        Write2(d[2..], v % 100);
    }

    private static void Write6(Span<byte> d, int v)
    {
        for (var i = 5; i >= 0; i--)
        {
            d[i] = (byte)('0' + (v % 10));
            v /= 10;
        }
    }
}
