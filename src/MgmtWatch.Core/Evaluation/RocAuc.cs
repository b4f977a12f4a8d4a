namespace MgmtWatch.Core.Evaluation;

/// <summary>Area under the ROC curve as the Mann–Whitney U statistic, ties counted half (average ranks).</summary>
public static class RocAuc
{
    /// <summary>The AUC of scores against labels; null when either class is empty.</summary>
    public static double? Compute(IReadOnlyList<(double Score, bool Positive)> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var positives = samples.Count(s => s.Positive);
        var negatives = samples.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        var sorted = samples.OrderBy(s => s.Score).ToArray();
        double rankSum = 0;
        var i = 0;
        while (i < sorted.Length)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1].Score == sorted[i].Score)
            {
                j++;
            }

            var averageRank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                if (sorted[k].Positive)
                {
                    rankSum += averageRank;
                }
            }

            i = j + 1;
        }

        return (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
