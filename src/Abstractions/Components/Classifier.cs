using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier;

/// <summary>
/// A whole model as the engine drives it: <c>forward</c> maps a preprocessed image batch
/// (N, C, H, W) to raw class scores (N, num_classes), mmpretrain's "tensor" mode;
/// <see cref="Loss"/> and <see cref="Predict"/> are its "loss" and "predict" modes.
/// </summary>
[ComponentKind("classifier")]
public abstract class Classifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected Classifier(string name)
        : base(name)
    {
        // Before the first model: malloc tuning and the convolution check (docs/reliability.md).
        Runtime.TorchRuntime.EnsureInitialized();
    }

    /// <summary>
    /// Turns a batch as the data loader gives it into the model's input: colour order,
    /// normalisation and padding of <paramref name="inputs"/> (N, C, H, W), and the targets in the
    /// form the loss wants (class indices (N) or scores (N, num_classes)). The engine calls this
    /// before <c>forward</c>, <see cref="Loss"/> and <see cref="Predict"/>, which expect its output.
    /// By default nothing changes.
    /// </summary>
    /// <param name="inputs">Images (N, C, H, W), any numeric dtype.</param>
    /// <param name="targets">Class indices or scores; null at inference.</param>
    /// <param name="training">True for a training batch (batch augmentations apply only then).</param>
    public virtual (Tensor Inputs, Tensor? Targets) Preprocess(Tensor inputs, Tensor? targets = null, bool training = false) => (inputs, targets);

    /// <summary>The named losses of a batch ("loss", and whatever else the head reports).</summary>
    /// <param name="inputs">Preprocessed images (N, C, H, W).</param>
    /// <param name="targets">Class indices (N) or per-class scores (N, num_classes).</param>
    public abstract IReadOnlyDictionary<string, Tensor> Loss(Tensor inputs, Tensor targets);

    /// <summary>Class probabilities (N, num_classes) and the predicted label (N) of each image.</summary>
    /// <param name="inputs">Preprocessed images (N, C, H, W).</param>
    public abstract ClassificationPrediction Predict(Tensor inputs);

    /// <summary>
    /// The features at <paramref name="stage"/>: the backbone's or the neck's multi-scale outputs
    /// (shallowest first), or, for <see cref="FeatureStage.PreLogits"/>, a list of one tensor.
    /// </summary>
    /// <param name="inputs">Preprocessed images (N, C, H, W).</param>
    /// <param name="stage">Where to stop.</param>
    public abstract IReadOnlyList<Tensor> ExtractFeat(Tensor inputs, FeatureStage stage = FeatureStage.Neck);

    /// <summary>
    /// Replaces the final classifier layer by a fresh one for <paramref name="numClasses"/>
    /// classes (fine-tuning on another label set); the rest of the model keeps its weights.
    /// </summary>
    public abstract void ResetClassifier(int numClasses);
}
