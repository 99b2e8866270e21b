using ImageClassifier.Models.Evaluation;

namespace ImageClassifier.Engine.Evaluation;

/// <summary>What an evaluation found: the metrics, and the confusion matrix with per-class accuracy.</summary>
public sealed class EvaluationResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="metrics">The metrics' numbers by name.</param>
    /// <param name="classes">The class names, by label.</param>
    /// <param name="confusionMatrix">Counts by [true class, predicted class].</param>
    /// <param name="arrays">The metrics' lists and matrices by name (<see cref="Metric.ComputeArrays"/>); none when null.</param>
    public EvaluationResult(IReadOnlyDictionary<string, double> metrics, IReadOnlyList<string> classes, long[,] confusionMatrix, IReadOnlyDictionary<string, Array>? arrays = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(confusionMatrix);
        Metrics = metrics;
        Arrays = arrays ?? new Dictionary<string, Array>();
        Classes = classes;
        ConfusionMatrix = confusionMatrix;
        var perClass = new double?[classes.Count];
        long total = 0;
        for (var actual = 0; actual < classes.Count; actual++)
        {
            long row = 0;
            for (var predicted = 0; predicted < classes.Count; predicted++)
            {
                row += confusionMatrix[actual, predicted];
            }

            total += row;
            perClass[actual] = row == 0 ? null : 100.0 * confusionMatrix[actual, actual] / row;
        }

        PerClassAccuracy = perClass;
        SampleCount = total;
    }

    /// <summary>The metrics by "prefix/name" ("accuracy/top1"), in percent for accuracies.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>
    /// The metrics' values that are not single numbers, by "prefix/name": per-class lists
    /// (<c>double[]</c>, SingleLabelMetric's "single-label/precision_classwise") and matrices
    /// (<c>long[][]</c>, ConfusionMatrix's "confusion_matrix/result").
    /// </summary>
    public IReadOnlyDictionary<string, Array> Arrays { get; }

    /// <summary>The class names, by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Counts by [true class, predicted class].</summary>
    public long[,] ConfusionMatrix { get; }

    /// <summary>The top-1 accuracy of each true class in percent; null for a class without samples.</summary>
    public IReadOnlyList<double?> PerClassAccuracy { get; }

    /// <summary>The number of samples evaluated.</summary>
    public long SampleCount { get; }
}
