namespace MgmtWatch.Core.Flows;

/// <summary>Why a flow record is written.</summary>
public enum FlowEndReason : byte
{
    /// <summary>Idle longer than its protocol's timeout, or closed and past its linger (EVE "timeout").</summary>
    Timeout,

    /// <summary>End of input (EVE "shutdown").</summary>
    Shutdown,

    /// <summary>Evicted to make room in a full flow table (EVE "forced", Suricata's word for it).</summary>
    Evicted,

    /// <summary>Still active; a periodic record of a long flow (EVE "interim"; the flow continues).</summary>
    Interim,
}
