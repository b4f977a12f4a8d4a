using MgmtWatch.Core.Flows;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Scoring;

namespace MgmtWatch.Core.Training;

/// <summary>Keeps a copy of every finished flow, in the order flows end, for training.</summary>
public sealed class FlowCollector : IFlowScorer
{
    private readonly List<FlowRecord> _flows = [];

    /// <summary>The flows collected.</summary>
    public IReadOnlyList<FlowRecord> Flows => _flows;

    /// <inheritdoc/>
    public ModelVerdict? Score(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (flow.Reason != FlowEndReason.Interim)
        {
            _flows.Add(flow.Clone());
        }

        return null;
    }
}
