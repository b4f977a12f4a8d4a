namespace MgmtWatch.Core.Simulation;

/// <summary>What a simulation run wrote.</summary>
/// <param name="Packets">Frames written.</param>
/// <param name="Bytes">Bytes of those frames on the wire.</param>
/// <param name="Labels">The label rows (also written to the label writer, if one was given).</param>
/// <param name="Summary">A few lines describing the simulated site, for people.</param>
public sealed record SimulationResult(long Packets, long Bytes, IReadOnlyList<LabelRow> Labels, string Summary);
