using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// A normalization layer choice, mmcv's <c>norm_cfg</c> (<c>{"type": "BN"}</c>, <c>{"type": "GN", "num_groups": 32}</c>):
/// a component that builds the layer once the owner knows the channel count.
/// </summary>
[ComponentKind("norm")]
public abstract class NormLayerBuilder
{
    /// <summary>
    /// The short name mmcv puts in attribute names ("bn" gives <c>bn1</c>, "gn" gives <c>gn1</c>),
    /// so checkpoint keys match mmpretrain's for every norm.
    /// </summary>
    public abstract string Abbreviation { get; }

    /// <summary>Builds a layer normalising <paramref name="numFeatures"/> channels.</summary>
    public abstract nn.Module<Tensor, Tensor> Create(int numFeatures);
}
