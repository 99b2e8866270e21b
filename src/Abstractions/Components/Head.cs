using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier;

/// <summary>
/// Does the task on the neck's (or backbone's) features. <see cref="PreLogits"/> gives the
/// features just before the classifier layer, <c>forward</c> the class scores (N, num_classes),
/// <see cref="Loss"/> the named losses against a target, <see cref="Predict"/> scores and labels.
/// </summary>
[ComponentKind("head")]
public abstract class Head : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected Head(string name)
        : base(name)
    {
        // Before the first model: malloc tuning and the convolution check (docs/reliability.md).
        Runtime.TorchRuntime.EnsureInitialized();
    }

    /// <summary>The features the final classifier layer reads; by default the last feature map.</summary>
    public virtual Tensor PreLogits(IReadOnlyList<Tensor> feats) => feats[^1];

    /// <summary>
    /// The losses for a batch, by name ("loss", and accuracies where the head computes them).
    /// <paramref name="target"/> holds class indices (N) or per-class scores (N, num_classes).
    /// </summary>
    public abstract IReadOnlyDictionary<string, Tensor> Loss(IReadOnlyList<Tensor> feats, Tensor target);

    /// <summary>Class probabilities and the predicted label of each sample.</summary>
    public abstract ClassificationPrediction Predict(IReadOnlyList<Tensor> feats);
}
