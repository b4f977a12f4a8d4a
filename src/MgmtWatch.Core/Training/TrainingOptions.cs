namespace MgmtWatch.Core.Training;

/// <summary>How a model is trained.</summary>
public sealed record TrainingOptions
{
    /// <summary>Seed of ML.NET and of anything random in training: same inputs and seed, same model.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Share of the baseline (its last flows, in time order) held back to calibrate the threshold.</summary>
    public double Holdout { get; init; } = 0.2;

    /// <summary>Principal components kept.</summary>
    public int Rank { get; init; } = 10;

    /// <summary>
    /// Target share of normal flows scoring above the threshold. The threshold is that quantile of the
    /// held-back baseline's scores (the maximum when the hold-out has too few flows to estimate it).
    /// </summary>
    public double TargetRate { get; init; } = 0.0002;

    /// <summary>
    /// Floor of each feature's standard deviation after scaling. A feature that never varied in the
    /// baseline (a novelty flag that was always 0) would otherwise divide by zero; with the floor, one
    /// unit of change is ten standard deviations: decisive, but finite.
    /// </summary>
    public float StdFloor { get; init; } = 0.1f;

    /// <summary>Model id; derived from the inputs when null.</summary>
    public string? ModelId { get; init; }

    /// <summary>Fewest flows a baseline must have.</summary>
    public int MinimumFlows { get; init; } = 200;
}
