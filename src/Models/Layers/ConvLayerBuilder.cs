using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>A convolution choice, mmcv's <c>conv_cfg</c> (null or <c>{"type": "Conv2d"}</c> for a plain convolution).</summary>
[ComponentKind("conv")]
public abstract class ConvLayerBuilder
{
    /// <summary>Builds a 2-D convolution.</summary>
    public abstract nn.Module<Tensor, Tensor> Create(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true);
}
