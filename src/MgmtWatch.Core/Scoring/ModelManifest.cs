using System.Text.Json.Serialization;

namespace MgmtWatch.Core.Scoring;

/// <summary>
/// <c>model.json</c> (STYLE §7): what the model is, what it was trained on and how, the threshold and its
/// derivation, the scaling the scorer applies, and hashes of the other files in the directory so a
/// tampered or mismatched file is refused.
/// </summary>
internal sealed class ModelManifest
{
    /// <summary>Version of this file's layout; a newer layout is refused rather than misread.</summary>
    public const int CurrentFormat = 1;

    [JsonPropertyName("format")] public int Format { get; set; } = CurrentFormat;

    [JsonPropertyName("model_id")] public string ModelId { get; set; } = "";

    /// <summary>Packet time of the last training packet (so retraining the same inputs gives the same file).</summary>
    [JsonPropertyName("created")] public string Created { get; set; } = "";

    [JsonPropertyName("tool_version")] public string ToolVersion { get; set; } = "";

    [JsonPropertyName("feature_schema_version")] public int FeatureSchemaVersion { get; set; }

    [JsonPropertyName("features")] public List<string> Features { get; set; } = [];

    [JsonPropertyName("trainer")] public TrainerInfo Trainer { get; set; } = new();

    [JsonPropertyName("seed")] public int Seed { get; set; }

    [JsonPropertyName("training_inputs")] public List<TrainingInput> TrainingInputs { get; set; } = [];

    [JsonPropertyName("threshold")] public ThresholdInfo Threshold { get; set; } = new();

    [JsonPropertyName("scaling")] public ScalingInfo Scaling { get; set; } = new();

    /// <summary>
    /// The ML.NET PCA model's centre and principal axes, copied from model.zip at training (and checked
    /// against it there), so that loading a model for scoring need not start ML.NET's model loader, which
    /// cost more than analysing a small capture. Absent in models written before the copy existed; those
    /// are read from model.zip.
    /// </summary>
    [JsonPropertyName("pca")] public PcaInfo? Pca { get; set; }

    [JsonPropertyName("metrics")] public Dictionary<string, double> Metrics { get; set; } = [];

    /// <summary>SHA-256 of model.zip and baseline.json.</summary>
    [JsonPropertyName("files")] public Dictionary<string, string> Files { get; set; } = [];

    /// <summary>The ML.NET trainer and its options.</summary>
    public sealed class TrainerInfo
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "RandomizedPca";

        [JsonPropertyName("rank")] public int Rank { get; set; }

        [JsonPropertyName("oversampling")] public int Oversampling { get; set; }

        [JsonPropertyName("ensure_zero_mean")] public bool EnsureZeroMean { get; set; }

        [JsonPropertyName("score")] public string Score { get; set; } = "";
    }

    /// <summary>A training capture and its hash.</summary>
    public sealed class TrainingInput
    {
        [JsonPropertyName("file")] public string File { get; set; } = "";

        [JsonPropertyName("sha256")] public string Sha256 { get; set; } = "";
    }

    /// <summary>The alert threshold and how it was derived.</summary>
    public sealed class ThresholdInfo
    {
        [JsonPropertyName("value")] public double Value { get; set; }

        [JsonPropertyName("derivation")] public string Derivation { get; set; } = "";

        [JsonPropertyName("target_rate")] public double TargetRate { get; set; }
    }

    /// <summary>The PCA model's parameters, as ML.NET's PcaModelParameters gives them.</summary>
    public sealed class PcaInfo
    {
        /// <summary>Centre of the standardised training data (GetMean).</summary>
        [JsonPropertyName("mean")] public List<float> Mean { get; set; } = [];

        /// <summary>The principal axes, one feature-length vector each (GetEigenVectors).</summary>
        [JsonPropertyName("axes")] public List<List<float>> Axes { get; set; } = [];
    }

    /// <summary>Standardisation and subspace statistics the scorer needs besides the ML.NET model.</summary>
    public sealed class ScalingInfo
    {
        [JsonPropertyName("mean")] public List<float> Mean { get; set; } = [];

        [JsonPropertyName("std")] public List<float> Std { get; set; } = [];

        /// <summary>Variance of the training data along each principal axis (the eigenvalues).</summary>
        [JsonPropertyName("eigenvalues")] public List<float> Eigenvalues { get; set; } = [];

        /// <summary>Mean squared residual (outside the subspace) over the training data.</summary>
        [JsonPropertyName("residual_mean")] public float ResidualMean { get; set; }
    }
}

/// <summary>Source-generated JSON contract for model.json.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ModelManifestJson : JsonSerializerContext
{
    /// <summary>The contract with the relaxed encoder, so '+' in timestamps stays '+' (as in EVE).</summary>
    public static ModelManifestJson Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
