using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using MgmtWatch.Core.Features;
using MgmtWatch.Core.Output;
using MgmtWatch.Core.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MgmtWatch.Core.Training;

/// <summary>
/// Trains the site model from the flows of a baseline capture. Features are computed in the order flows
/// ended, exactly as scoring will see them (host and series context depend on it); the split into fit and
/// hold-out is by start time, so a flow that lasted the whole capture belongs to its beginning:
/// <list type="number">
/// <item>features of the first (1 − holdout) share, with novelty judged leave-one-out against the profile
/// of that share (see <see cref="LeaveOneOutBaseline"/>), so novelty features carry the rate at which a
/// normal site meets rare things;</item>
/// <item>features of the held-back share, with novelty against the profile frozen at the split, which is
/// how a trained model will see tomorrow's traffic;</item>
/// <item>standardisation, then ML.NET's RandomizedPca on the first part;</item>
/// <item>the threshold: the (1 − target rate) quantile of the held-back scores;</item>
/// <item>the final profile from every flow (merged into an older profile when asked).</item>
/// </list>
/// Everything is deterministic for the same flows, options and seed.
/// </summary>
public static class ModelTrainer
{
    /// <summary>RandomizedPca oversampling: ML.NET's default, ample for a few dozen features.</summary>
    private const int Oversampling = 20;

    /// <summary>Trains a model and writes it to <paramref name="directory"/>; returns its manifest as JSON.</summary>
    public static string TrainAndSave(IReadOnlyList<FlowRecord> flows, TrainingOptions options, string directory,
        IReadOnlyList<string> inputs, BaselineProfile? mergeInto, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputs);
        if (flows.Count < options.MinimumFlows)
        {
            throw new InvalidDataException($"the baseline has {flows.Count} flows; training needs at least {options.MinimumFlows} (give a longer or busier capture)");
        }

        var d = FeatureSchema.Count;
        var byStart = flows.OrderBy(f => f.Start).ThenBy(f => f.FirstPacket).ToList();
        var split = Math.Clamp((int)Math.Round(flows.Count * (1 - options.Holdout)), 1, flows.Count - 1);
        var splitKey = (byStart[split].Start, byStart[split].FirstPacket);
        bool InFit(FlowRecord f) => (f.Start, f.FirstPacket).CompareTo(splitKey) < 0;

        var profile = new BaselineProfile();
        if (mergeInto is not null)
        {
            profile.Merge(mergeInto);
        }

        foreach (var flow in byStart.Take(split))
        {
            profile.Add(flow);
        }

        // Fit flows meet novelty leave-one-out; held-back flows meet the fit part's profile, as tomorrow's traffic will.
        var leaveOneOut = new LeaveOneOutBaseline(profile);
        var extractor = new FlowFeatureExtractor(null);
        var fitRows = new List<float[]>(split);
        var heldRows = new List<float[]>(flows.Count - split);
        foreach (var flow in flows)
        {
            var fitFlow = InFit(flow);
            extractor.Baseline = fitFlow ? leaveOneOut : profile;
            var row = new float[d];
            extractor.Extract(flow, row);
            (fitFlow ? fitRows : heldRows).Add(row);
        }

        foreach (var flow in byStart.Skip(split))
        {
            profile.Add(flow);
        }

        var fit = fitRows.ToArray();
        var held = heldRows.ToArray();

        // Standardisation from the fit part, with a floor on the deviation.
        var mean = new float[d];
        var std = new float[d];
        for (var j = 0; j < d; j++)
        {
            double sum = 0;
            double sumSquares = 0;
            foreach (var row in fit)
            {
                sum += row[j];
                sumSquares += (double)row[j] * row[j];
            }

            var m = sum / fit.Length;
            mean[j] = (float)m;
            std[j] = (float)Math.Max(options.StdFloor, Math.Sqrt(Math.Max(0, (sumSquares / fit.Length) - (m * m))));
        }

        var rank = Math.Clamp(options.Rank, 1, d - 1);
        var standardized = fit.Select(row => new FeatureRow { Features = Standardize(row, mean, std) }).ToList();
        var ml = new MLContext(options.Seed);
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        var data = ml.Data.LoadFromEnumerable(standardized, schema);
        var trainer = ml.AnomalyDetection.Trainers.RandomizedPca(new RandomizedPcaTrainer.Options
        {
            FeatureColumnName = nameof(FeatureRow.Features),
            Rank = rank,
            Oversampling = Oversampling,
            EnsureZeroMean = true,
            Seed = options.Seed,
        });
        var model = trainer.Fit(data);

        var vectors = Array.Empty<VBuffer<float>>();
        model.Model.GetEigenVectors(ref vectors, out var k);
        var pcaMeanBuffer = default(VBuffer<float>);
        model.Model.GetMean(ref pcaMeanBuffer);
        var eigen = vectors.Take(k).Select(v => v.DenseValues().ToArray()).ToArray();
        var pcaMean = pcaMeanBuffer.DenseValues().ToArray();

        // Variance along each axis (the eigenvalues) and the mean squared residual, over the fit part.
        var eigenvalues = new double[k];
        double residual = 0;
        foreach (var row in standardized)
        {
            double norm = 0;
            double inside = 0;
            for (var j = 0; j < d; j++)
            {
                var c = row.Features[j] - pcaMean[j];
                norm += c * c;
            }

            for (var i = 0; i < k; i++)
            {
                double p = 0;
                for (var j = 0; j < d; j++)
                {
                    p += eigen[i][j] * (row.Features[j] - pcaMean[j]);
                }

                eigenvalues[i] += p * p;
                inside += p * p;
            }

            residual += Math.Max(0, norm - inside);
        }

        var manifest = new ModelManifest
        {
            ToolVersion = toolVersion,
            FeatureSchemaVersion = FeatureSchema.Version,
            Features = [.. FeatureSchema.Names],
            Seed = options.Seed,
            Trainer = new ModelManifest.TrainerInfo
            {
                Rank = k,
                Oversampling = Oversampling,
                EnsureZeroMean = true,
                Score = "sqrt((T2/k + SPE/mean_SPE)/2) on standardised features; T2 = Hotelling distance in the principal subspace, SPE = squared residual outside it",
            },
            Scaling = new ModelManifest.ScalingInfo
            {
                Mean = [.. mean],
                Std = [.. std],
                Eigenvalues = eigenvalues.Select(v => (float)(v / fit.Length)).ToList(),
                ResidualMean = (float)(residual / fit.Length),
            },
            Pca = new ModelManifest.PcaInfo
            {
                Mean = [.. pcaMean],
                Axes = [.. eigen.Select(axis => axis.ToList())],
            },
        };

        // Score the held-back baseline with the model as it will be loaded, and calibrate.
        var scorer = AnomalyModel.FromParts(manifest, profile, eigen, pcaMean);
        var heldScores = held.Select(row => scorer.Score(row, default)).Order().ToArray();
        var fitScores = fit.Select(row => scorer.Score(row, default)).Order().ToArray();
        var (threshold, derivation) = Calibrate(heldScores, fitScores, options.TargetRate);
        manifest.Threshold = new ModelManifest.ThresholdInfo { Value = threshold, Derivation = derivation, TargetRate = options.TargetRate };
        manifest.Metrics = new Dictionary<string, double>
        {
            ["flows"] = flows.Count,
            ["fit_flows"] = fit.Length,
            ["holdout_flows"] = held.Length,
            ["holdout_score_median"] = Round(Quantile(heldScores, 0.5)),
            ["holdout_score_p99"] = Round(Quantile(heldScores, 0.99)),
            ["holdout_score_max"] = Round(heldScores[^1]),
            ["fit_score_max"] = Round(fitScores[^1]),
            ["holdout_above_threshold"] = heldScores.Count(s => s > threshold),
            ["explained_variance"] = Round(eigenvalues.Sum() / (eigenvalues.Sum() + residual)),
            ["baseline_hosts"] = profile.HostCount,
            ["baseline_bmcs"] = profile.Bmcs.Count,
        };

        var lastTime = flows.Max(f => f.End);
        var inputHashes = inputs.Select(path => new ModelManifest.TrainingInput { File = Path.GetFileName(path), Sha256 = AnomalyModel.Sha256(path) }).ToList();
        manifest.TrainingInputs = inputHashes;
        manifest.Created = PacketTime.ToEveString(lastTime);
        manifest.ModelId = options.ModelId ?? DefaultModelId(lastTime, inputHashes, options.Seed);

        Directory.CreateDirectory(directory);
        var zipPath = Path.Combine(directory, ModelFiles.Model);
        using (var buffer = new MemoryStream())
        {
            ml.Model.Save(model, data.Schema, buffer);
            File.WriteAllBytes(zipPath, Reproducible(buffer.ToArray()));
        }

        // Scoring reads the copy in model.json; prove it is what ML.NET reads back from the file just written.
        var (savedAxes, savedMean) = AnomalyModel.ReadPca(zipPath, d, k);
        if (!savedMean.SequenceEqual(pcaMean) || !savedAxes.Zip(eigen).All(pair => pair.First.SequenceEqual(pair.Second)))
        {
            throw new InvalidOperationException($"{zipPath} does not read back as the model just trained");
        }

        var profilePath = Path.Combine(directory, ModelFiles.Baseline);
        using (var stream = File.Create(profilePath))
        {
            profile.Save(stream);
        }

        manifest.Files = new Dictionary<string, string>
        {
            [ModelFiles.Model] = AnomalyModel.Sha256(zipPath),
            [ModelFiles.Baseline] = AnomalyModel.Sha256(profilePath),
        };
        var json = JsonSerializer.Serialize(manifest, ModelManifestJson.Relaxed.ModelManifest);
        File.WriteAllText(Path.Combine(directory, ModelFiles.Manifest), json + "\n");
        return json;
    }

    /// <summary>
    /// What <c>train</c> prints: model.json without its <c>pca</c> section, in the file's own format. The section
    /// is the model itself, about 500 numbers that no one reads on a terminal; the rest (id, inputs, threshold,
    /// metrics, hashes) is what a person or a script checks after training, and <c>jq</c> reads it as it reads the file.
    /// </summary>
    public static string Describe(string manifest)
    {
        var description = JsonNode.Parse(manifest)!.AsObject();
        description.Remove("pca");
        return description.ToJsonString(ModelManifestJson.Relaxed.Options);
    }

    /// <summary>
    /// The (1 − rate) quantile of the held-back scores, or of the fit scores when that is higher: the
    /// hold-out shows how tomorrow's normal traffic scores, the fit part contains every kind of normal flow
    /// the baseline had (some, such as flows lasting the whole capture, all start early and miss the
    /// hold-out), and a threshold below either would alert on normal traffic.
    /// </summary>
    private static (double Threshold, string Derivation) Calibrate(double[] held, double[] fit, double rate)
    {
        var (heldValue, heldText) = Quantile(held, rate, "held-back");
        var (fitValue, fitText) = Quantile(fit, rate, "training");
        return heldValue >= fitValue
            ? (Round(heldValue), heldText + $" (the training flows' own quantile is lower: {fitValue:0.####})")
            : (Round(fitValue), fitText + $" (higher than the held-back flows' {heldValue:0.####})");

        static (double Value, string Text) Quantile(double[] sorted, double rate, string which)
        {
            var n = sorted.Length;
            if (n * rate < 1)
            {
                // Too few flows to place that quantile: stay above everything normal that was seen.
                var max = sorted[^1];
                return (max * 1.05, string.Create(CultureInfo.InvariantCulture,
                    $"maximum {which} baseline score ({max:0.####}) + 5 %: {n} {which} flows are too few to estimate the {1 - rate:0.#####} quantile"));
            }

            var q = ModelTrainer.Quantile(sorted, 1 - rate);
            return (q, string.Create(CultureInfo.InvariantCulture,
                $"{(1 - rate) * 100:0.###}th percentile of {n} {which} baseline flow scores (target rate {rate:0.#####} of normal flows above it)"));
        }
    }

    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(sorted.Length - 1, lower + 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    private static double Round(double v) => Math.Round(v, 6);

    private static float[] Standardize(float[] row, float[] mean, float[] std)
    {
        var z = new float[row.Length];
        FeatureScaling.Standardize(row, mean, std, z);
        return z;
    }

    private static string DefaultModelId(long lastTime, List<ModelManifest.TrainingInput> inputs, int seed)
    {
        var date = DateTimeOffset.FromUnixTimeMilliseconds(lastTime / 1_000_000).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var combined = string.Join(",", inputs.Select(i => i.Sha256)) + "," + seed.ToString(CultureInfo.InvariantCulture);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(combined)))[..8];
        return $"bmc-{date}-{hash}";
    }

    /// <summary>
    /// Rewrites ML.NET's zip with fixed entry timestamps (1980-01-01, the zip epoch): the entries and their
    /// bytes are already deterministic, the wall-clock times are not, and "same inputs, same model" should
    /// hold for the file too.
    /// </summary>
    private static byte[] Reproducible(byte[] zip)
    {
        using var input = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                var copy = archive.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }

    /// <summary>One row of ML.NET training data.</summary>
    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
