using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Evaluation;

/// <summary>
/// Classification accuracy in percent, mmpretrain's <c>Accuracy</c> metric: a sample counts as
/// right for top-k when its true label is among its k best-scored classes, and, under a
/// threshold, when that class's score is also above the threshold. From predicted labels alone
/// only the top-1 accuracy is defined.
/// </summary>
/// <remarks>
/// Value names are "accuracy/top{k}"; with several thresholds each gets a suffix,
/// "_thr-0.50" (two decimals) or "_no-thr" for a null threshold, as mmpretrain names them.
/// </remarks>
[RegisterModel]
public sealed class Accuracy : Metric
{
    private readonly int[] topk;
    private readonly double?[] thrs;
    private readonly PredictionRecord record = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="topk">The k of each top-k accuracy.</param>
    /// <param name="thrs">Score thresholds: a prediction counts only if its score is above the threshold; null means no threshold.</param>
    /// <param name="prefix">What value names start with; "accuracy" when null.</param>
    public Accuracy(
        [DefaultItems(1)][ValueRange(Minimum = 1)] int[]? topk = null,
        [DefaultItems(0.0)] double?[]? thrs = null,
        string? prefix = null)
        : base("accuracy", prefix)
    {
        this.topk = CheckTopk(topk is null ? [1] : [.. topk]);
        this.thrs = thrs is null ? [0.0] : [.. thrs];
        if (this.thrs.Length == 0)
        {
            throw new ConfigValueException("thrs", this.thrs, "a non-empty list (use [null] for no threshold)");
        }
    }

    /// <summary>The k of each top-k accuracy.</summary>
    public IReadOnlyList<int> Topk => topk;

    /// <summary>The score thresholds; null is no threshold.</summary>
    public IReadOnlyList<double?> Thrs => thrs;

    /// <inheritdoc />
    public override long SampleCount => record.SampleCount;

    /// <summary>
    /// The accuracies (percent) of <paramref name="pred"/> against the labels
    /// <paramref name="target"/> (N), as a table with a row per k of <paramref name="topk"/>
    /// (default 1) and a column per threshold of <paramref name="thrs"/> (default 0). For
    /// per-class scores (N, C) a prediction counts when the true class is among the k best and
    /// its score is above the threshold (any score with a null threshold). For predicted labels
    /// (N) the table is the 1x1 top-1 accuracy, whatever topk and thrs say.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The sizes differ, the batch is empty, the shapes are not (N, C) / (N), or a k exceeds the
    /// number of classes ("Top-5 accuracy is unavailable since the number of categories is 3.").
    /// </exception>
    public static double[,] Calculate(Tensor pred, Tensor target, IReadOnlyList<int>? topk = null, IReadOnlyList<double?>? thrs = null)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(target);
        int[] ks = CheckTopk(topk is null ? [1] : [.. topk]);
        double?[] thresholds = thrs is null ? [0.0] : [.. thrs];
        if (thresholds.Length == 0)
        {
            throw new ArgumentException("thrs must hold at least one threshold (null for none).", nameof(thrs));
        }

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
            throw new ArgumentException("Accuracy needs at least one sample.", nameof(pred));
        }

        using var scope = torch.NewDisposeScope();
        var labels = target.reshape(-1).to_type(ScalarType.Int64).to(pred.device);
        if (pred.dim() == 1)
        {
            var hits = pred.eq(labels).sum().item<long>();
            return new double[,] { { 100.0 * hits / count } };
        }

        var classes = pred.shape[1];
        var maxk = ks.Max();
        if (maxk > classes)
        {
            throw new ArgumentException($"Top-{maxk} accuracy is unavailable since the number of categories is {classes}.", nameof(topk));
        }

        var (bestScores, bestClasses) = pred.to_type(ScalarType.Float32).topk(maxk, dim: 1);
        var correct = bestClasses.eq(labels.unsqueeze(1));
        var table = new double[ks.Length, thresholds.Length];
        for (var row = 0; row < ks.Length; row++)
        {
            for (var column = 0; column < thresholds.Length; column++)
            {
                var counted = correct;
                if (thresholds[column] is { } threshold)
                {
                    using var thresholdScalar = threshold.ToScalar();
                    counted = correct.logical_and(bestScores.gt(thresholdScalar));
                }

                var hits = counted[.., ..ks[row]].sum().item<long>();
                table[row, column] = 100.0 * hits / count;
            }
        }

        return table;
    }

    /// <summary>
    /// Keeps a copy of one batch: scores (N, C) or predicted labels (N), and labels (N). Every
    /// batch must be of the same kind.
    /// </summary>
    public override void Process(Tensor predictions, Tensor targets) => record.Add(predictions, targets);

    /// <inheritdoc />
    public override void Reset() => record.Clear();

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, double>> ComputeMetrics()
    {
        using var scope = torch.NewDisposeScope();
        var (pred, target) = record.Concatenated();
        if (record.FromScores != true)
        {
            return [new("top1", Calculate(pred, target)[0, 0])];
        }

        double[,] table;
        try
        {
            table = Calculate(pred, target, topk, thrs);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException($"{error.Message} Please check the topk of the Accuracy metric in val_evaluator and test_evaluator of your config.", error);
        }

        var values = new List<KeyValuePair<string, double>>();
        for (var row = 0; row < topk.Length; row++)
        {
            for (var column = 0; column < thrs.Length; column++)
            {
                var name = $"top{topk[row]}";
                if (thrs.Length > 1)
                {
                    name += thrs[column] is { } threshold ? "_thr-" + threshold.ToString("F2", CultureInfo.InvariantCulture) : "_no-thr";
                }

                values.Add(new(name, table[row, column]));
            }
        }

        return values;
    }

    private static int[] CheckTopk(int[] ks)
    {
        if (ks.Length == 0)
        {
            throw new ConfigValueException("topk", ks, "a non-empty list");
        }

        for (var index = 0; index < ks.Length; index++)
        {
            if (ks[index] < 1)
            {
                throw new ConfigValueException($"topk[{index}]", ks[index], ">= 1");
            }
        }

        return ks;
    }
}
