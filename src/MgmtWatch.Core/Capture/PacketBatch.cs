using System.Runtime.InteropServices;

namespace MgmtWatch.Core.Capture;

/// <summary>
/// Packets copied out of libpcap's buffer by the capture thread, handed to the analysis thread whole.
/// Batches are preallocated and recycled, so live capture allocates nothing per packet, and copying many
/// packets per hand-off keeps the cross-thread cost per packet negligible.
/// </summary>
public sealed class PacketBatch
{
    /// <summary>Bytes per batch: hundreds of management packets, or a few dozen maximum-size ones.</summary>
    public const int BufferSize = 1 << 20;

    /// <summary>Packets per batch at most (small packets fill the count before the buffer).</summary>
    public const int MaxPackets = 8192;

    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly long[] _timestamps = new long[MaxPackets];
    private readonly int[] _offsets = new int[MaxPackets];
    private readonly int[] _lengths = new int[MaxPackets];
    private readonly int[] _wireLengths = new int[MaxPackets];
    private int _used;

    /// <summary>Packets in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>Wall-clock time (Stopwatch ticks) the first packet was added, for the flush deadline.</summary>
    public long Opened { get; private set; }

    /// <summary>Capture time of packet <paramref name="i"/> (ns since the epoch).</summary>
    public long Timestamp(int i) => _timestamps[i];

    /// <summary>Wire length of packet <paramref name="i"/>.</summary>
    public int WireLength(int i) => _wireLengths[i];

    /// <summary>Captured bytes of packet <paramref name="i"/>.</summary>
    public ReadOnlySpan<byte> Data(int i) => _buffer.AsSpan(_offsets[i], _lengths[i]);

    /// <summary>Copies a packet from native memory; false when the batch is full.</summary>
    public bool TryAdd(long timestamp, IntPtr data, int captured, int wire)
    {
        if (Count == MaxPackets || _used + captured > BufferSize)
        {
            return false;
        }

        if (Count == 0)
        {
            Opened = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        Marshal.Copy(data, _buffer, _used, captured);
        _timestamps[Count] = timestamp;
        _offsets[Count] = _used;
        _lengths[Count] = captured;
        _wireLengths[Count] = wire;
        _used += captured;
        Count++;
        return true;
    }

    /// <summary>Copies a packet from managed memory (tests); false when the batch is full.</summary>
    public bool TryAdd(long timestamp, ReadOnlySpan<byte> data, int wire)
    {
        if (Count == MaxPackets || _used + data.Length > BufferSize)
        {
            return false;
        }

        data.CopyTo(_buffer.AsSpan(_used));
        _timestamps[Count] = timestamp;
        _offsets[Count] = _used;
        _lengths[Count] = data.Length;
        _wireLengths[Count] = wire;
        _used += data.Length;
        Count++;
        return true;
    }

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        Count = 0;
        _used = 0;
    }
}
