namespace MgmtWatch.Core.Flows;

/// <summary>Zeek's per-endpoint TCP states (TCP_INACTIVE ... TCP_RESET), from which conn_state is derived.</summary>
public enum TcpEndpointState : byte
{
    /// <summary>Nothing seen from this endpoint.</summary>
    Inactive,

    /// <summary>Sent a SYN.</summary>
    SynSent,

    /// <summary>Sent a SYN-ACK.</summary>
    SynAckSent,

    /// <summary>Seen only mid-stream (no SYN).</summary>
    Partial,

    /// <summary>Completed the handshake.</summary>
    Established,

    /// <summary>Sent a FIN.</summary>
    Closed,

    /// <summary>Sent a RST.</summary>
    Reset,
}
