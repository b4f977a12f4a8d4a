using System.Runtime.InteropServices;
using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// One flow's state, stored by value in the flow table's array: no object per flow, and the fields a
/// packet touches sit together. Fields are public within the assembly for the hot path.
/// Packed to 4 bytes: a million concurrent flows are a million of these, and natural alignment (16 for the
/// history's UInt128, 8 for the counters) would pad each by 24 bytes; x64 reads unaligned fields at full speed.
/// TCP's sequence and endpoint-state tracking lives beside it (<see cref="TcpFlowState"/>), so the UDP
/// flows that make up most of a management network (IPMI, SNMP, NTP, syslog polls) do not carry it.
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

    /// <summary>Index into the timeout table (see FlowTable).</summary>
    public byte TimeoutClass;

    public byte HistoryLength;

    /// <summary>Application protocol identified by an analyzer (AnalyzerRegistry id), 0 if none.</summary>
    public byte Service;

    /// <summary>Alerted, flipped and similar bits (FlowFlags).</summary>
    public byte Flags;

    /// <summary>Once-per-direction history letters already recorded (a, d, i, q; 8 bits).</summary>
    public byte HistoryOnce;

    /// <summary>Payload packets offered to content detection so far (bounded, see AnalysisPipeline).</summary>
    public byte Probes;

    public long Start;
    public long Last;
    public long FirstPacket;
    public long LastReport;

    public Endpoint Orig;
    public Endpoint Resp;
    public UInt128 History;

    /// <summary>Mean and Welford M2 of the gaps between packets of either direction (seconds).</summary>
    public float GapMean;
    public float GapM2;

    /// <summary>
    /// Timer wheel links: the previous flow in the bucket, or for the bucket's first flow -2 - bucket (so no
    /// field names the bucket), -1 when not scheduled.
    /// </summary>
    public int WheelPrev;

    /// <summary>The next flow in the bucket (or in the free list), -1 for none.</summary>
    public int WheelNext;

    /// <summary>Index of the flow's <see cref="TcpFlowState"/> in the table's TCP array; -1 for a flow that is not TCP.</summary>
    public int Tcp;

    /// <summary>True when endpoint A is the originator.</summary>
    public bool OrigIsA
    {
        readonly get => (Flags & FlowFlags.OrigIsA) != 0;
        set => Flags = value ? (byte)(Flags | FlowFlags.OrigIsA) : (byte)(Flags & ~FlowFlags.OrigIsA);
    }

    public readonly FlowKey Key => new(A, B, PortA, PortB, Protocol);

    /// <summary>The originator's address and port, and the responder's (the key keeps them in canonical order).</summary>
    public readonly HostAddress OrigHost => OrigIsA ? A : B;

    public readonly HostAddress RespHost => OrigIsA ? B : A;

    public readonly ushort OrigPort => OrigIsA ? PortA : PortB;

    public readonly ushort RespPort => OrigIsA ? PortB : PortA;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct Endpoint
    {
        public ulong Bytes;
        public ulong IpBytes;
        public uint Packets;

        /// <summary>Mean and Welford M2 of this direction's payload sizes (bytes), for the model's features.</summary>
        public float SizeMean;
        public float SizeM2;
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

    /// <summary>Endpoint A is the originator (see <see cref="FlowEntry.OrigIsA"/>).</summary>
    public const byte OrigIsA = 32;
}
