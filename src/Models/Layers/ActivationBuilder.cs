using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>An activation choice, mmcv's <c>act_cfg</c> (<c>{"type": "ReLU"}</c>, <c>{"type": "ReLU6"}</c>).</summary>
[ComponentKind("activation")]
public abstract class ActivationBuilder
{
    /// <summary>Builds a fresh activation module.</summary>
    public abstract nn.Module<Tensor, Tensor> Create();
}
