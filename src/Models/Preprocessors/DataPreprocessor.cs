using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Preprocessors;

/// <summary>
/// Prepares a batch for the model, mmengine's <c>data_preprocessor</c>: <c>forward</c> turns images
/// as the data loader stacks them (N, C, H, W) into the model's input, <see cref="ProcessTargets"/>
/// the labels into the form the loss wants. A classifier runs it in <c>Preprocess</c>. A config
/// without "type" is a ClsDataPreprocessor's, as in mmpretrain.
/// </summary>
[ComponentKind("preprocessor", DefaultType = "ClsDataPreprocessor")]
public abstract class DataPreprocessor : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; <paramref name="name"/> is its TorchSharp module name.</summary>
    protected DataPreprocessor(string name)
        : base(name)
    {
    }

    /// <summary>The targets as the loss wants them; by default unchanged.</summary>
    /// <param name="targets">Class indices (N) or per-class scores (N, num_classes).</param>
    public virtual Tensor ProcessTargets(Tensor targets) => targets;

    /// <summary>
    /// Batch augmentation of a training batch, after <c>forward</c> and <see cref="ProcessTargets"/>
    /// (mmpretrain's <c>batch_augments</c>); by default the batch passes unchanged.
    /// </summary>
    /// <param name="inputs">The preprocessed images (N, C, H, W).</param>
    /// <param name="targets">The processed targets: class indices (N) or scores (N, num_classes).</param>
    public virtual (Tensor Inputs, Tensor Targets) AugmentBatch(Tensor inputs, Tensor targets) => (inputs, targets);
}
