using System.Runtime.InteropServices;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// One flow's state, stored by value in the flow table's array: no object per flow, and the fields a
/// packet touches sit together. Fields are public within the assembly for the hot path.
/// Packed to 4 bytes: a million concurrent flows are a million of these, and natural alignment (16 for the
/// history's UInt128, 8 for the counters) would pad each by 24 bytes; x64 reads unaligned fields at full speed.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct FlowEntry
{
    // Key in canonical order (see FlowKey).
    public HostAddress A;
    public HostAddress B;
    public ushort PortA;
    public ushort PortB;
    public byte Protocol;
    public byte IpVersion;

    /// <summary>True when endpoint A is the originator.</summary>
    public bool OrigIsA;

    /// <summary>Index into the timeout table (see FlowTable).</summary>
    public byte TimeoutClass;

    public byte HistoryLength;

    /// <summary>Application protocol identified by an analyzer (AnalyzerRegistry id), 0 if none.</summary>
    public byte Service;

    /// <summary>Alerted, flipped and similar bits (FlowFlags).</summary>
    public byte Flags;

    /// <summary>Once-per-direction history letters already recorded (a, d, i, q; 8 bits).</summary>
    public byte HistoryOnce;

    public uint Hash;

    public long Start;
    public long Last;
    public long FirstPacket;
    public long LastReport;

    public Endpoint Orig;
    public Endpoint Resp;
    public ulong MissedBytes;
    public UInt128 History;

    /// <summary>Mean and Welford M2 of the gaps between packets of either direction (seconds).</summary>
    public float GapMean;
    public float GapM2;

    // Timer wheel links (indices into the flow array; -1 for none) and the bucket holding the flow.
    public int WheelPrev;
    public int WheelNext;
    public int WheelBucket;

    /// <summary>Payload packets offered to content detection so far (bounded, see AnalysisPipeline).</summary>
    public byte Probes;

    public readonly FlowKey Key => new(A, B, PortA, PortB, Protocol);

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct Endpoint
    {
        public ulong Bytes;
        public ulong IpBytes;
        public uint Packets;
        public uint NextSeq;
        public uint LastSyn;
        public uint LastFin;
        public uint LastRst;
        public ushort Retransmissions;
        public ushort ZeroWindows;
        public ushort Gaps;
        public TcpEndpointState State;

        /// <summary>Mean and Welford M2 of this direction's payload sizes (bytes), for the model's features.</summary>
        public float SizeMean;
        public float SizeM2;

        /// <summary>Bits: 1 sequence known, 2 SYN seen, 4 FIN seen, 8 RST seen.</summary>
        public byte SeqFlags;
    }
}

/// <summary>Bits of <see cref="FlowEntry.Flags"/>.</summary>
internal static class FlowFlags
{
    public const byte Alerted = 1;
    public const byte Flipped = 2;
    public const byte InTable = 4;
    public const byte ServiceConfirmed = 8;

    /// <summary>The flow's analyzer has what it needs (a handshake): its payload packets are no longer offered to it.</summary>
    public const byte AnalyzerDone = 16;
}
