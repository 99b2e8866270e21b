using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Evaluation;

/// <summary>
/// The batches a metric keeps between <see cref="Metric.Reset"/> and <see cref="Metric.Compute"/>:
/// CPU copies of the predictions (scores (N, C) or labels (N)) and of the labels (N), every batch
/// of the same kind as the first.
/// </summary>
internal sealed class PredictionRecord
{
    private readonly List<Tensor> predictions = [];
    private readonly List<Tensor> targets = [];

    /// <summary>Whether the batches hold scores (true) or labels (false); null before the first.</summary>
    public bool? FromScores { get; private set; }

    /// <summary>How many samples the kept batches hold.</summary>
    public long SampleCount { get; private set; }

    /// <summary>Refuses predictions that are neither scores (N, C) nor labels (N), and a batch whose sizes differ.</summary>
    public static void CheckShapes(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (predictions.dim() is not (1 or 2))
        {
            throw new ArgumentException($"predictions must be labels (N) or scores (N, C), but have shape ({string.Join(", ", predictions.shape)}).", nameof(predictions));
        }

        if (targets.numel() != predictions.shape[0])
        {
            throw new ArgumentException($"The size of the predictions ({predictions.shape[0]}) doesn't match the targets ({string.Join(", ", targets.shape)}).", nameof(targets));
        }
    }

    /// <summary>Keeps copies of one batch, checked by <see cref="CheckShapes"/>; the labels (targets) become int64.</summary>
    /// <exception cref="ArgumentException">The shapes are wrong, or the batch is of the other kind than the first.</exception>
    public void Add(Tensor predictions, Tensor targets)
    {
        CheckShapes(predictions, targets);
        var scores = predictions.dim() == 2;
        if (FromScores is { } earlier && earlier != scores)
        {
            throw new ArgumentException($"Every batch must hold {(earlier ? "scores (N, C)" : "labels (N)")} as the first one did, but this one holds {(scores ? "scores" : "labels")}.", nameof(predictions));
        }

        using var scope = torch.NewDisposeScope();
        this.predictions.Add(predictions.detach().to(CPU).clone().DetachFromDisposeScope());
        this.targets.Add(targets.detach().reshape(-1).to_type(ScalarType.Int64).to(CPU).clone().DetachFromDisposeScope());
        FromScores = scores;
        SampleCount += predictions.shape[0];
    }

    /// <summary>Every kept batch in one tensor each, in the caller's dispose scope.</summary>
    public (Tensor Predictions, Tensor Targets) Concatenated() => (torch.cat(predictions, 0), torch.cat(targets, 0));

    /// <summary>Frees the kept batches.</summary>
    public void Clear()
    {
        foreach (var tensor in predictions.Concat(targets))
        {
            tensor.Dispose();
        }

        predictions.Clear();
        targets.Clear();
        FromScores = null;
        SampleCount = 0;
    }
}
