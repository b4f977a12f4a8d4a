namespace MgmtWatch.Core.Flows;

/// <summary>Receives flows as the table ends them (or reports them while they last).</summary>
internal interface IFlowEndHandler
{
    /// <summary>
    /// Called with the flow still in the table. For <see cref="FlowEndReason.Interim"/> the flow continues;
    /// otherwise it is removed when the call returns.
    /// </summary>
    void OnFlowEnd(FlowTable table, int flow, FlowEndReason reason);
}
