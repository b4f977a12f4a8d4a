using System.Runtime.InteropServices;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// The TCP-only part of a flow: per-endpoint sequence tracking and Zeek endpoint states, and the bytes a
/// capture missed. Held in the flow table's own array and referenced by <see cref="FlowEntry.Tcp"/>, so that a
/// UDP or ICMP flow does not carry these 56 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct TcpFlowState
{
    public Endpoint Orig;
    public Endpoint Resp;

    /// <summary>Sequence-space bytes no packet carried (Zeek's missed_bytes). A free slot holds the next free slot here.</summary>
    public ulong MissedBytes;

    /// <summary>Either side has sent a FIN or a RST.</summary>
    public readonly bool EitherClosed => Orig.IsClosed || Resp.IsClosed;

    /// <summary>Both sides have sent a FIN or a RST.</summary>
    public readonly bool BothClosed => Orig.IsClosed && Resp.IsClosed;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct Endpoint
    {
        public uint NextSeq;
        public uint LastSyn;
        public uint LastFin;
        public uint LastRst;
        public ushort Retransmissions;
        public ushort ZeroWindows;
        public ushort Gaps;
        public TcpEndpointState State;

        /// <summary>Bits: 1 sequence known, 2 SYN seen, 4 FIN seen, 8 RST seen.</summary>
        public byte SeqFlags;

        /// <summary>This side has sent a FIN or a RST.</summary>
        public readonly bool IsClosed => State is TcpEndpointState.Closed or TcpEndpointState.Reset;
    }
}
