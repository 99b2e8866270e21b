using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Evaluation;

/// <summary>
/// mmpretrain's <c>ConfusionMatrix</c> metric: counts by true class (rows) and predicted class
/// (columns), the predicted class being the best-scored one. Its one value is the matrix,
/// "confusion_matrix/result" among <see cref="Metric.ComputeArrays"/>; <c>icls test</c> prints and
/// draws the test's confusion matrix whether or not this metric is configured.
/// </summary>
/// <remarks>From scores (N, C) the matrix is C x C, as in mmpretrain; predicted labels (N) need <c>num_classes</c>.</remarks>
[RegisterModel]
public sealed class ConfusionMatrix : Metric
{
    private readonly int? numClasses;
    private readonly PredictionRecord record = new();
    private int? classesSeen;

    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">The class count when the predictions are labels; scores give their own.</param>
    /// <param name="prefix">What the value's name starts with; "confusion_matrix" when null.</param>
    public ConfusionMatrix([ValueRange(Minimum = 1)] int? numClasses = null, string? prefix = null)
        : base("confusion_matrix", prefix)
    {
        if (numClasses is < 1)
        {
            throw new ConfigValueException("num_classes", numClasses, ">= 1");
        }

        this.numClasses = numClasses;
    }

    /// <inheritdoc />
    public override long SampleCount => record.SampleCount;

    /// <summary>
    /// The counts of <paramref name="pred"/> (scores (N, C), whose best class is the prediction, or
    /// labels (N)) against <paramref name="target"/> (N), by [true class, predicted class]; C x C
    /// for scores, <paramref name="numClasses"/> square for labels.
    /// </summary>
    /// <exception cref="ArgumentException">The sizes differ, the shapes are not (N, C) / (N), labels come without <paramref name="numClasses"/>, or a label lies outside the classes.</exception>
    public static long[,] Calculate(Tensor pred, Tensor target, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(target);
        if (pred.dim() is not (1 or 2))
        {
            throw new ArgumentException($"pred must be labels (N) or scores (N, C), but has shape ({string.Join(", ", pred.shape)}).", nameof(pred));
        }

        if (target.dim() != 1 || target.shape[0] != pred.shape[0])
        {
            throw new ArgumentException($"The size of pred ({pred.shape[0]}) doesn't match the target ({string.Join(", ", target.shape)}).", nameof(target));
        }

        using var scope = torch.NewDisposeScope();
        var classes = pred.dim() == 2
            ? numClasses ?? (int)pred.shape[1]
            : numClasses ?? throw new ArgumentException("num_classes is needed when the predictions are labels instead of scores.", nameof(numClasses));
        var predicted = (pred.dim() == 2 ? pred.argmax(1) : pred).to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        var actual = target.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        var counts = new long[classes, classes];
        for (var i = 0; i < actual.Length; i++)
        {
            if (actual[i] < 0 || actual[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
            {
                throw new ArgumentException($"Sample {i} (label {actual[i]}, predicted {predicted[i]}) lies outside the {classes} classes of the confusion matrix.", nameof(target));
            }

            counts[actual[i], predicted[i]]++;
        }

        return counts;
    }

    /// <summary>Keeps the predicted labels of one batch (the best class of scores (N, C), or labels (N)) and its labels (N).</summary>
    public override void Process(Tensor predictions, Tensor targets)
    {
        PredictionRecord.CheckShapes(predictions, targets);
        if (predictions.dim() == 1 && numClasses is null)
        {
            throw new ArgumentException("ConfusionMatrix needs num_classes when the predictions are labels instead of scores.", nameof(predictions));
        }

        using var scope = torch.NewDisposeScope();

        // As in mmpretrain, scores decide the class count; only the predicted labels are kept.
        classesSeen = predictions.dim() == 2 ? (int)predictions.shape[1] : numClasses;
        record.Add((predictions.dim() == 2 ? predictions.argmax(1) : predictions).to_type(ScalarType.Int64), targets);
    }

    /// <inheritdoc />
    public override void Reset()
    {
        record.Clear();
        classesSeen = null;
    }

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, double>> ComputeMetrics() => [];

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, Array>> ComputeArrayMetrics()
    {
        using var scope = torch.NewDisposeScope();
        var (predictedLabels, targets) = record.Concatenated();
        var counts = Calculate(predictedLabels, targets, classesSeen);
        var rows = new long[counts.GetLength(0)][];
        for (var row = 0; row < rows.Length; row++)
        {
            rows[row] = [.. Enumerable.Range(0, counts.GetLength(1)).Select(column => counts[row, column])];
        }

        return [new("result", rows)];
    }
}
