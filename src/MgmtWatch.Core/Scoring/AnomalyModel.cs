using System.Security.Cryptography;
using System.Text.Json;
using MgmtWatch.Core.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MgmtWatch.Core.Scoring;

/// <summary>
/// A trained model directory, loaded and checked: the ML.NET PCA model (model.zip), its manifest
/// (model.json) and the baseline profile (baseline.json).
/// </summary>
/// <remarks>
/// <para>The score is computed from the ML.NET model's own eigenvectors and mean, on features standardised
/// with the training statistics: score = √((T²/k + SPE/q̄) / 2), where T² is the Mahalanobis distance inside
/// the k-dimensional principal subspace (Hotelling) and SPE the squared residual outside it (the
/// Q-statistic), q̄ its training mean. Both terms average about 1 on the baseline, so the score reads as
/// "how many times a typical deviation". ML.NET's own Score is the <em>normalised</em> residual
/// √(SPE/‖x−μ‖²), which ignores how far a flow is from normal and only asks in which direction; a test
/// checks that this class reproduces that value exactly from the same model, so the model is read right.</para>
/// <para>The eigenvectors and mean come from the copy training wrote into model.json after checking it
/// against what ML.NET reads back from model.zip; model.zip itself is then only hashed, which spares every
/// run ML.NET's model loader. A model without the copy (written before it existed) is read through ML.NET.</para>
/// <para>Loading a model never runs code from it: model.zip is decoded by ML.NET's registered loaders
/// only, and the JSON files are plain data read with source-generated contracts.</para>
/// </remarks>
public sealed class AnomalyModel
{
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly float[][] _eigenVectors;
    private readonly float[] _eigenValues;
    private readonly float[] _pcaMean;
    private readonly float _residualMean;

    private AnomalyModel(ModelManifest manifest, BaselineProfile profile, float[][] eigenVectors, float[] pcaMean)
    {
        Manifest = manifest;
        Profile = profile;
        _mean = [.. manifest.Scaling.Mean];
        _std = [.. manifest.Scaling.Std];
        _eigenValues = [.. manifest.Scaling.Eigenvalues];
        _residualMean = Math.Max(manifest.Scaling.ResidualMean, 1e-6f);
        _eigenVectors = eigenVectors;
        _pcaMean = pcaMean;
    }

    /// <summary>The manifest.</summary>
    internal ModelManifest Manifest { get; }

    /// <summary>Builds a model from parts already in memory (training scores its hold-out with it).</summary>
    internal static AnomalyModel FromParts(ModelManifest manifest, BaselineProfile profile, float[][] eigenVectors, float[] pcaMean) =>
        new(manifest, profile, eigenVectors, pcaMean);

    /// <summary>The model's id.</summary>
    public string ModelId => Manifest.ModelId;

    /// <summary>The alert threshold on <see cref="Score"/>.</summary>
    public double Threshold => Manifest.Threshold.Value;

    /// <summary>What the baseline looked like.</summary>
    public BaselineProfile Profile { get; }

    /// <summary>Principal components kept.</summary>
    public int Rank => _eigenVectors.Length;

    /// <summary>
    /// Scores a raw feature vector; <paramref name="contributions"/> (optional, feature count long) receives
    /// each feature's squared standardised departure from the baseline, for explanations.
    /// </summary>
    public double Score(ReadOnlySpan<float> features, Span<float> contributions)
    {
        var d = _mean.Length;
        Span<float> r = stackalloc float[d];
        Standardize(features, r);
        for (var j = 0; j < d; j++)
        {
            r[j] -= _pcaMean[j];
        }

        var k = _eigenVectors.Length;
        double t2 = 0;
        double inside = 0;
        for (var i = 0; i < k; i++)
        {
            double p = Dot(_eigenVectors[i], r);
            inside += p * p;
            t2 += p * p / Math.Max(_eigenValues[i], 1e-6f);
        }

        double norm = Dot(r, r);
        var spe = Math.Max(0, norm - inside);
        var score = Math.Sqrt(((t2 / Math.Max(1, k)) + (spe / _residualMean)) / 2);
        if (!contributions.IsEmpty)
        {
            // Explanations name the features that departed most from the baseline in their own right:
            // the squared standardised departure, which is what "observed versus baseline" means to a reader.
            Standardize(features, contributions);
            for (var j = 0; j < d; j++)
            {
                contributions[j] *= contributions[j];
            }
        }

        return double.IsFinite(score) ? score : 0;
    }

    /// <summary>
    /// Dot product in SIMD registers: a flow's score is ten projections of a 45-feature vector, and doing
    /// them one float at a time in double precision was a third of what scoring a flow cost.
    /// </summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = System.Numerics.Vector<float>.Zero;
        var width = System.Numerics.Vector<float>.Count;
        var j = 0;
        for (; j <= a.Length - width; j += width)
        {
            sum += new System.Numerics.Vector<float>(a[j..]) * new System.Numerics.Vector<float>(b[j..]);
        }

        var total = System.Numerics.Vector.Sum(sum);
        for (; j < a.Length; j++)
        {
            total += a[j] * b[j];
        }

        return total;
    }

    /// <summary>ML.NET's normalised residual for the same vector (used by a test to prove the model is read right).</summary>
    internal double NormalizedResidual(ReadOnlySpan<float> features)
    {
        var d = _mean.Length;
        Span<float> z = stackalloc float[d];
        Standardize(features, z);
        double norm = 0;
        double inside = 0;
        for (var j = 0; j < d; j++)
        {
            var c = z[j] - _pcaMean[j];
            norm += c * c;
        }

        foreach (var v in _eigenVectors)
        {
            double p = 0;
            for (var j = 0; j < d; j++)
            {
                p += v[j] * (z[j] - _pcaMean[j]);
            }

            inside += p * p;
        }

        return Math.Sqrt(Math.Max(0, norm - inside) / norm);
    }

    /// <summary>Standardises raw features with the training mean and deviation.</summary>
    public void Standardize(ReadOnlySpan<float> features, Span<float> z) => FeatureScaling.Standardize(features, _mean, _std, z);

    /// <summary>The training mean of raw feature <paramref name="index"/>.</summary>
    public float BaselineMean(int index) => _mean[index];

    /// <summary>The training standard deviation (with its floor) of raw feature <paramref name="index"/>.</summary>
    public float BaselineStd(int index) => _std[index];

    /// <summary>Loads and checks a model directory; throws <see cref="ModelLoadException"/> with a sentence for people.</summary>
    public static AnomalyModel Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new ModelLoadException($"model directory {directory} does not exist");
        }

        var manifestPath = Path.Combine(directory, ModelFiles.Manifest);
        var zipPath = Path.Combine(directory, ModelFiles.Model);
        var profilePath = Path.Combine(directory, ModelFiles.Baseline);
        foreach (var path in new[] { manifestPath, zipPath, profilePath })
        {
            if (!File.Exists(path))
            {
                throw new ModelLoadException($"{path} is missing: not a MgmtWatch model directory");
            }
        }

        ModelManifest manifest;
        try
        {
            using var stream = File.OpenRead(manifestPath);
            manifest = JsonSerializer.Deserialize(stream, ModelManifestJson.Default.ModelManifest)
                       ?? throw new ModelLoadException($"{manifestPath} is empty");
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"{manifestPath} is not valid JSON ({ex.Message})", ex);
        }

        if (manifest.Format > ModelManifest.CurrentFormat)
        {
            throw new ModelLoadException($"{manifestPath} has format {manifest.Format}, written by a newer MgmtWatch; this version reads format {ModelManifest.CurrentFormat}");
        }

        if (manifest.FeatureSchemaVersion != FeatureSchema.Version || !manifest.Features.SequenceEqual(FeatureSchema.Names))
        {
            throw new ModelLoadException(
                $"the model in {directory} was trained with feature schema {manifest.FeatureSchemaVersion} ({manifest.Features.Count} features); " +
                $"this MgmtWatch computes schema {FeatureSchema.Version} ({FeatureSchema.Count} features): retrain it with 'mgmtwatch train'");
        }

        var d = FeatureSchema.Count;
        var scaling = manifest.Scaling;
        if (scaling.Mean.Count != d || scaling.Std.Count != d || scaling.Std.Any(s => !(s > 0) || !float.IsFinite(s)) ||
            scaling.Mean.Any(m => !float.IsFinite(m)) || scaling.Eigenvalues.Count is 0 or > 1000 || !(manifest.Threshold.Value > 0))
        {
            throw new ModelLoadException($"{manifestPath} has invalid scaling or threshold values");
        }

        VerifyHash(manifest, ModelFiles.Model, zipPath);
        VerifyHash(manifest, ModelFiles.Baseline, profilePath);

        BaselineProfile profile;
        try
        {
            using var stream = File.OpenRead(profilePath);
            profile = BaselineProfile.Load(stream);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException($"{profilePath}: {ex.Message}", ex);
        }

        var (eigenVectors, pcaMean) = manifest.Pca is { } copy
            ? PcaFromManifest(copy, manifestPath, d, scaling.Eigenvalues.Count)
            : ReadPca(zipPath, d, scaling.Eigenvalues.Count);
        return new AnomalyModel(manifest, profile, eigenVectors, pcaMean);
    }

    private static void VerifyHash(ModelManifest manifest, string name, string path)
    {
        if (!manifest.Files.TryGetValue(name, out var expected))
        {
            throw new ModelLoadException($"model.json does not record the hash of {name}");
        }

        var actual = Sha256(path);
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException($"{path} does not match the hash recorded in model.json (changed or corrupt since training)");
        }
    }

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    internal static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The PCA parameters training copied into model.json, checked for shape and finiteness like every other
    /// number there (model.zip's hash was checked before, so the copy and the file it came from belong together).
    /// </summary>
    private static (float[][] EigenVectors, float[] Mean) PcaFromManifest(ModelManifest.PcaInfo pca, string manifestPath, int dimension, int rank)
    {
        if (pca.Mean.Count != dimension || pca.Axes.Count != rank || pca.Axes.Any(a => a is null || a.Count != dimension) ||
            pca.Mean.Any(v => !float.IsFinite(v)) || pca.Axes.Any(a => a.Any(v => !float.IsFinite(v))))
        {
            throw new ModelLoadException($"{manifestPath} has an invalid pca section (expected {rank} axes of {dimension} finite values and a centre of {dimension})");
        }

        return ([.. pca.Axes.Select(a => a.ToArray())], [.. pca.Mean]);
    }

    /// <summary>Reads the PCA parameters from model.zip through ML.NET's model loader (models without the copy in model.json; training's check).</summary>
    internal static (float[][] EigenVectors, float[] Mean) ReadPca(string zipPath, int dimension, int rank)
    {
        try
        {
            var ml = new MLContext(seed: 0);
            ITransformer transformer;
            using (var stream = File.OpenRead(zipPath))
            {
                transformer = ml.Model.Load(stream, out _);
            }

            var pca = FindPca(transformer) ?? throw new ModelLoadException($"{zipPath} holds no PCA anomaly model");
            var vectors = Array.Empty<VBuffer<float>>();
            pca.GetEigenVectors(ref vectors, out var k);
            var mean = default(VBuffer<float>);
            pca.GetMean(ref mean);
            if (k != rank || vectors.Length < k || mean.Length != dimension || vectors.Take(k).Any(v => v.Length != dimension))
            {
                throw new ModelLoadException($"{zipPath} does not match model.json (rank {k} vs {rank}, dimension {mean.Length} vs {dimension})");
            }

            var eigen = new float[k][];
            for (var i = 0; i < k; i++)
            {
                eigen[i] = vectors[i].DenseValues().ToArray();
            }

            return (eigen, mean.DenseValues().ToArray());
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or FormatException or IOException
                                       or System.Runtime.Serialization.SerializationException or ArgumentException or EndOfStreamException)
        {
            throw new ModelLoadException($"{zipPath} is corrupt or not an ML.NET model ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// The PCA parameters inside a loaded transformer. ML.NET loads the trainer's output as
    /// AnomalyPredictionTransformer&lt;IPredictorProducing&lt;float&gt;&gt;, so match on the covariant interface.
    /// </summary>
    private static PcaModelParameters? FindPca(ITransformer transformer) => transformer switch
    {
        IPredictionTransformer<object> { Model: PcaModelParameters pca } => pca,
        TransformerChain<ITransformer> chain => chain.Select(FindPca).FirstOrDefault(p => p is not null),
        _ => null,
    };
}
