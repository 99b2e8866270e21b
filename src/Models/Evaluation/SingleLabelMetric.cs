using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Evaluation;

/// <summary>
/// mmpretrain's <c>SingleLabelMetric</c>: precision, recall, F1-score and support of single-label
/// classification, from each class's true positives, predictions and targets. A sample counts as
/// predicted for its best-scored class, and, under a threshold, only when that score is above it.
/// </summary>
/// <remarks>
/// <para>
/// <c>average</c> "macro" gives the mean of the per-class values ("single-label/precision"),
/// "micro" the values of the summed counts ("single-label/precision_micro"), and null the
/// per-class lists ("single-label/precision_classwise", see <see cref="Metric.ComputeArrays"/>).
/// With several thresholds each name gets mmpretrain's suffix before that: "_thr-0.50" or
/// "_no-thr". A class without predictions has precision 0, one without samples recall 0, as in
/// mmpretrain (counts below 1 are taken as 1).
/// </para>
/// <para>
/// From predicted labels (N) the thresholds do not apply and <c>num_classes</c> is needed; from
/// scores (N, C) the class count is C, whatever <c>num_classes</c> says.
/// </para>
/// </remarks>
[RegisterModel]
public sealed class SingleLabelMetric : Metric
{
    /// <summary>The items, in the order mmpretrain writes them.</summary>
    public static IReadOnlyList<string> ItemNames { get; } = ["precision", "recall", "f1-score", "support"];

    // mmpretrain divides by max(precision + recall, float32's epsilon).
    private static readonly double Float32Epsilon = Math.Pow(2, -23);

    private readonly double?[] thrs;
    private readonly string[] items;
    private readonly string? average;
    private readonly int? numClasses;
    private readonly PredictionRecord record = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="thrs">Score thresholds: a prediction counts only if its score is above the threshold; null means no threshold.</param>
    /// <param name="items">What to compute: "precision", "recall", "f1-score" and/or "support".</param>
    /// <param name="average">"macro" (mean over classes), "micro" (over the summed counts), or null for each class.</param>
    /// <param name="numClasses">The class count when the predictions are labels; scores give their own.</param>
    /// <param name="prefix">What value names start with; "single-label" when null.</param>
    public SingleLabelMetric(
        [DefaultItems(0.0)] double?[]? thrs = null,
        [DefaultItems("precision", "recall", "f1-score")][OneOf("precision", "recall", "f1-score", "support")] string[]? items = null,
        [OneOf("macro", "micro")] string? average = "macro",
        [ValueRange(Minimum = 1)] int? numClasses = null,
        string? prefix = null)
        : base("single-label", prefix)
    {
        this.thrs = thrs is null ? [0.0] : [.. thrs];
        if (this.thrs.Length == 0)
        {
            throw new ConfigValueException("thrs", this.thrs, "a non-empty list (use [null] for no threshold)");
        }

        this.items = items is null ? ["precision", "recall", "f1-score"] : [.. items];
        if (this.items.Length == 0)
        {
            throw new ConfigValueException("items", this.items, "a non-empty list of \"precision\", \"recall\", \"f1-score\" and \"support\"");
        }

        for (var index = 0; index < this.items.Length; index++)
        {
            if (!ItemNames.Contains(this.items[index]))
            {
                throw new ConfigValueException($"items[{index}]", this.items[index], "\"precision\", \"recall\", \"f1-score\" or \"support\"");
            }
        }

        if (average is not (null or "macro" or "micro"))
        {
            throw new ConfigValueException("average", average, "\"macro\", \"micro\" or null (each class)");
        }

        if (numClasses is < 1)
        {
            throw new ConfigValueException("num_classes", numClasses, ">= 1");
        }

        this.average = average;
        this.numClasses = numClasses;
    }

    /// <summary>The score thresholds; null is no threshold.</summary>
    public IReadOnlyList<double?> Thrs => thrs;

    /// <summary>What is computed.</summary>
    public IReadOnlyList<string> Items => items;

    /// <summary>"macro", "micro", or null for each class.</summary>
    public string? Average => average;

    /// <inheritdoc />
    public override long SampleCount => record.SampleCount;

    /// <summary>
    /// Precision, recall, F1-score and support of <paramref name="pred"/> against the labels
    /// <paramref name="target"/> (N): one result per threshold of <paramref name="thrs"/> (default
    /// 0) for per-class scores (N, C), one result for predicted labels (N), which need
    /// <paramref name="numClasses"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The sizes differ, the batch is empty, the shapes are not (N, C) / (N), <paramref name="average"/>
    /// is not "macro", "micro" or null, labels come without <paramref name="numClasses"/>, or a label
    /// lies outside the classes.
    /// </exception>
    public static IReadOnlyList<SingleLabelScores> Calculate(Tensor pred, Tensor target, IReadOnlyList<double?>? thrs = null, string? average = "macro", int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(target);
        if (average is not (null or "macro" or "micro"))
        {
            throw new ArgumentException($"average must be \"macro\", \"micro\" or null, but is \"{average}\".", nameof(average));
        }

        double?[] thresholds = thrs is null ? [0.0] : [.. thrs];
        if (pred.dim() is not (1 or 2))
        {
            throw new ArgumentException($"pred must be labels (N) or scores (N, C), but has shape ({string.Join(", ", pred.shape)}).", nameof(pred));
        }

        var count = pred.shape[0];
        if (target.dim() == 0 || target.numel() != count || target.shape[0] != count)
        {
            throw new ArgumentException($"The size of pred ({count}) doesn't match the target ({string.Join(", ", target.shape)}).", nameof(target));
        }

        if (count == 0)
        {
            throw new ArgumentException("SingleLabelMetric needs at least one sample.", nameof(pred));
        }

        using var scope = torch.NewDisposeScope();
        var labels = target.reshape(-1).to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        if (pred.dim() == 1)
        {
            var classes = numClasses ?? throw new ArgumentException("num_classes is needed when the predictions are labels instead of scores.", nameof(numClasses));
            var predicted = pred.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
            return [Score(predicted, Enumerable.Repeat(true, predicted.Length).ToArray(), labels, classes, average)];
        }

        var classCount = (int)pred.shape[1];
        var (bestScores, bestClasses) = pred.topk(1, dim: 1);
        var best = bestClasses.reshape(-1).cpu().data<long>().ToArray();
        var results = new List<SingleLabelScores>();
        foreach (var threshold in thresholds)
        {
            bool[] positive;
            if (threshold is { } value)
            {
                // Compared by libtorch in the scores' dtype, as mmpretrain's "score <= thr" is.
                using var thresholdScalar = value.ToScalar();
                positive = bestScores.reshape(-1).gt(thresholdScalar).cpu().data<bool>().ToArray();
            }
            else
            {
                positive = Enumerable.Repeat(true, best.Length).ToArray();
            }

            results.Add(Score(best, positive, labels, classCount, average));
        }

        return results;
    }

    /// <summary>
    /// Keeps a copy of one batch: scores (N, C) or predicted labels (N), and labels (N). Every
    /// batch must be of the same kind.
    /// </summary>
    public override void Process(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.dim() == 1 && numClasses is null)
        {
            throw new ArgumentException("SingleLabelMetric needs num_classes when the predictions are labels instead of scores.", nameof(predictions));
        }

        record.Add(predictions, targets);
    }

    /// <inheritdoc />
    public override void Reset() => record.Clear();

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, double>> ComputeMetrics() =>
        average is null ? [] : Named().Select(pair => new KeyValuePair<string, double>(pair.Key, pair.Value[0]));

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, Array>> ComputeArrayMetrics() =>
        average is null ? Named().Select(pair => new KeyValuePair<string, Array>(pair.Key, pair.Value)) : [];

    // mmpretrain's names: the item, the threshold's suffix when there are several, then the average's.
    private List<KeyValuePair<string, double[]>> Named()
    {
        using var scope = torch.NewDisposeScope();
        var (pred, target) = record.Concatenated();
        var averageSuffix = average switch
        {
            null => "_classwise",
            "micro" => "_micro",
            _ => string.Empty,
        };
        if (record.FromScores != true)
        {
            return Pack(Calculate(pred, target, average: average, numClasses: numClasses)[0], averageSuffix);
        }

        var results = Calculate(pred, target, thrs, average);
        var named = new List<KeyValuePair<string, double[]>>();
        for (var index = 0; index < thrs.Length; index++)
        {
            var thresholdSuffix = thrs.Length == 1 ? string.Empty
                : thrs[index] is { } threshold ? "_thr-" + threshold.ToString("F2", CultureInfo.InvariantCulture)
                : "_no-thr";
            named.AddRange(Pack(results[index], thresholdSuffix + averageSuffix));
        }

        return named;
    }

    private List<KeyValuePair<string, double[]>> Pack(SingleLabelScores scores, string suffix)
    {
        double[][] values = [scores.Precision, scores.Recall, scores.F1Score, scores.Support];
        var packed = new List<KeyValuePair<string, double[]>>();
        for (var index = 0; index < ItemNames.Count; index++)
        {
            if (items.Contains(ItemNames[index]))
            {
                packed.Add(new(ItemNames[index] + suffix, values[index]));
            }
        }

        return packed;
    }

    private static SingleLabelScores Score(long[] predicted, bool[] positive, long[] labels, int classes, string? average)
    {
        var truePositives = new long[classes];
        var predictedCounts = new long[classes];
        var targetCounts = new long[classes];
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
            {
                throw new ArgumentException($"Sample {i} has label {labels[i]}, outside the {classes} classes (0 to {classes - 1}).", nameof(labels));
            }

            if (predicted[i] < 0 || predicted[i] >= classes)
            {
                throw new ArgumentException($"Sample {i} is predicted as {predicted[i]}, outside the {classes} classes (0 to {classes - 1}).", nameof(predicted));
            }

            targetCounts[labels[i]]++;
            if (positive[i])
            {
                predictedCounts[predicted[i]]++;
                truePositives[predicted[i]] += predicted[i] == labels[i] ? 1 : 0;
            }
        }

        if (average == "micro")
        {
            var (precision, recall, f1) = Rates(truePositives.Sum(), predictedCounts.Sum(), targetCounts.Sum());
            return new SingleLabelScores([precision], [recall], [f1], [targetCounts.Sum()]);
        }

        var precisions = new double[classes];
        var recalls = new double[classes];
        var f1Scores = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            (precisions[c], recalls[c], f1Scores[c]) = Rates(truePositives[c], predictedCounts[c], targetCounts[c]);
        }

        return average == "macro"
            ? new SingleLabelScores([precisions.Average()], [recalls.Average()], [f1Scores.Average()], [targetCounts.Sum()])
            : new SingleLabelScores(precisions, recalls, f1Scores, [.. targetCounts.Select(count => (double)count)]);
    }

    private static (double Precision, double Recall, double F1) Rates(long truePositives, long predicted, long actual)
    {
        var precision = (double)truePositives / Math.Max(predicted, 1) * 100;
        var recall = (double)truePositives / Math.Max(actual, 1) * 100;
        return (precision, recall, 2 * precision * recall / Math.Max(precision + recall, Float32Epsilon));
    }
}
