using MgmtWatch.Core.Output;

namespace MgmtWatch.Core.Scoring;

/// <summary>
/// The scoring stage: sees every flow record as it is written (final or interim), may set its score, and
/// returns a verdict when the flow should raise a model alert.
/// </summary>
public interface IFlowScorer
{
    /// <summary>Scores <paramref name="flow"/>; null when no alert is due.</summary>
    ModelVerdict? Score(FlowRecord flow);
}

/// <summary>Why the model alerts on a flow.</summary>
/// <param name="Description">One sentence for people.</param>
/// <param name="Evidence">Top contributing features: observed value and baseline.</param>
/// <param name="Reason">Name of the top feature (groups alerts into incidents).</param>
public sealed record ModelVerdict(string Description, IReadOnlyList<KeyValuePair<string, string>> Evidence, string Reason);
