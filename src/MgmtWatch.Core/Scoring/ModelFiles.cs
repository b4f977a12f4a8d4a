namespace MgmtWatch.Core.Scoring;

/// <summary>The files of a model directory (STYLE §7).</summary>
public static class ModelFiles
{
    /// <summary>The ML.NET model.</summary>
    public const string Model = "model.zip";

    /// <summary>The manifest.</summary>
    public const string Manifest = "model.json";

    /// <summary>The baseline profile.</summary>
    public const string Baseline = "baseline.json";
}
