using static TorchSharp.torch;

namespace ImageClassifier.Models.Evaluation;

/// <summary>
/// An evaluation metric, mmengine's <c>BaseMetric</c> (configs' <c>val_evaluator</c>, e.g.
/// <c>{"type": "Accuracy", "topk": [1, 5]}</c>): <see cref="Process"/> takes the predictions and
/// targets of each batch, <see cref="Compute"/> gives the values over all of them, named
/// "prefix/name" ("accuracy/top1"), and <see cref="Reset"/> starts over.
/// </summary>
[ComponentKind("metric")]
public abstract class Metric
{
    /// <summary>Creates the metric; its names start with <paramref name="prefix"/>, or <paramref name="defaultPrefix"/> when that is null.</summary>
    protected Metric(string defaultPrefix, string? prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(defaultPrefix);
        Prefix = string.IsNullOrEmpty(prefix) ? defaultPrefix : prefix;
    }

    /// <summary>What every value name starts with, before the "/".</summary>
    public string Prefix { get; }

    /// <summary>How many samples have been processed since the last <see cref="Reset"/>.</summary>
    public abstract long SampleCount { get; }

    /// <summary>
    /// Takes one batch: <paramref name="predictions"/> are per-class scores (N, C) or predicted
    /// labels (N), <paramref name="targets"/> the true labels (N). The tensors are copied, so the
    /// caller may dispose or reuse them.
    /// </summary>
    public abstract void Process(Tensor predictions, Tensor targets);

    /// <summary>The metric over every processed batch, by "prefix/name".</summary>
    /// <exception cref="InvalidOperationException">No batch has been processed.</exception>
    public IReadOnlyDictionary<string, double> Compute()
    {
        if (SampleCount == 0)
        {
            throw new InvalidOperationException($"{GetType().Name} has no results to compute: process at least one batch first (is the validation or test set empty?).");
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in ComputeMetrics())
        {
            values[$"{Prefix}/{name}"] = value;
        }

        return values;
    }

    /// <summary>
    /// The values over every processed batch that are not single numbers, by "prefix/name":
    /// per-class lists as <c>double[]</c> (SingleLabelMetric's "single-label/precision_classwise")
    /// and matrices as <c>long[][]</c> rows (ConfusionMatrix's "confusion_matrix/result"). Empty
    /// for a metric of numbers only. They are shown and written to JSON, but cannot be
    /// <c>save_best</c> or an early-stopping <c>monitor</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No batch has been processed.</exception>
    public IReadOnlyDictionary<string, Array> ComputeArrays()
    {
        if (SampleCount == 0)
        {
            throw new InvalidOperationException($"{GetType().Name} has no results to compute: process at least one batch first (is the validation or test set empty?).");
        }

        var values = new Dictionary<string, Array>(StringComparer.Ordinal);
        foreach (var (name, value) in ComputeArrayMetrics())
        {
            values[$"{Prefix}/{name}"] = value;
        }

        return values;
    }

    /// <summary>Forgets every processed batch.</summary>
    public abstract void Reset();

    /// <summary>The values over every processed batch, by name without the prefix ("top1").</summary>
    protected abstract IEnumerable<KeyValuePair<string, double>> ComputeMetrics();

    /// <summary>The lists and matrices over every processed batch, by name without the prefix; none by default.</summary>
    protected virtual IEnumerable<KeyValuePair<string, Array>> ComputeArrayMetrics() => [];
}
