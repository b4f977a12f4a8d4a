using MgmtWatch.Core.Capture;

namespace MgmtWatch.Benchmarks.Micro;

/// <summary>
/// A capture replayed without end, each replay later in packet time than the flows of the one before can
/// live (6 minutes: past the 5-minute TCP and 1-minute UDP timeouts), so every replay meets a steady table:
/// the same clients and servers, the same exchanges, new flows. Gaps inside a capture longer than 10 s are
/// shortened to 10 s (one public trace spans years of timestamps); nothing inside a replay times out.
/// </summary>
internal sealed class ReplayStream
{
    /// <summary>Packet time between the end of one replay and the start of the next.</summary>
    private const long ReplayGap = 6L * 60 * 1_000_000_000;

    /// <summary>Longest gap kept between two packets of a replay.</summary>
    private const long MaxGap = 10L * 1_000_000_000;

    /// <summary>2026-03-01T12:00:00Z, where every stream starts.</summary>
    private const long T0 = 1_772_366_400_000_000_000;

    private readonly CapturedFrame[] _frames;
    private readonly long[] _offsets;
    private readonly long _period;
    private long _next;

    public ReplayStream(CapturedFrame[] frames)
    {
        if (frames.Length == 0)
        {
            throw new ArgumentException("no frames", nameof(frames));
        }

        _frames = frames;
        _offsets = new long[frames.Length];
        for (var i = 1; i < frames.Length; i++)
        {
            var gap = frames[i].Info.Timestamp - frames[i - 1].Info.Timestamp;
            _offsets[i] = _offsets[i - 1] + Math.Clamp(gap, 0, MaxGap);
        }

        _period = _offsets[^1] + ReplayGap;
    }

    /// <summary>Packets in one replay.</summary>
    public int Length => _frames.Length;

    /// <summary>The next packet of the stream: its metadata (with its replay's packet time) and bytes.</summary>
    public byte[] Next(out PacketInfo info)
    {
        var replay = _next / _frames.Length;
        var i = (int)(_next % _frames.Length);
        _next++;
        var frame = _frames[i];
        info = frame.Info;
        info.Timestamp = T0 + (replay * _period) + _offsets[i];
        info.SourceIndex = 0;
        return frame.Data;
    }
}
