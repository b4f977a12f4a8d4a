using System.Globalization;

namespace MgmtWatch.Core.Simulation;

/// <summary>
/// Simulated time: microseconds since the Unix epoch, the resolution of a classic pcap file, so that
/// every timestamp in a label row is exactly a packet's timestamp.
/// </summary>
internal static class SimTime
{
    public const long Millisecond = 1_000;
    public const long Second = 1_000_000;
    public const long Minute = 60 * Second;
    public const long Hour = 60 * Minute;
    public const long Day = 24 * Hour;

    /// <summary>Ticks (100 ns) from 0001-01-01 to the Unix epoch.</summary>
    private const long UnixEpochTicks = 621_355_968_000_000_000;

    public static long FromDateTimeOffset(DateTimeOffset time) => (time.UtcTicks - UnixEpochTicks) / 10;

    public static DateTimeOffset ToDateTimeOffset(long micros) => new(UnixEpochTicks + (micros * 10), TimeSpan.Zero);

    public static long FromSeconds(double seconds) => (long)Math.Round(seconds * Second);

    /// <summary>ISO 8601 UTC with microseconds, the label file's timestamp format.</summary>
    public static string Iso(long micros) =>
        ToDateTimeOffset(micros).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Seconds since 1900-01-01, the NTP era-0 epoch (RFC 5905 §6).</summary>
    public static ulong NtpTimestamp(long micros)
    {
        const long NtpToUnixSeconds = 2_208_988_800;
        var seconds = (ulong)((micros / Second) + NtpToUnixSeconds);
        var fraction = (ulong)(micros % Second) * (1UL << 32) / Second;
        return (seconds << 32) | fraction;
    }
}
