using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's <c>{"type": "Conv2dAdaptivePadding"}</c>: convolutions padded as TensorFlow's "SAME"
/// (<see cref="Conv2dAdaptivePadding"/>); the padding a caller passes is ignored, as in mmcv.
/// EfficientNet's default.
/// </summary>
[RegisterModel("Conv2dAdaptivePadding")]
public sealed class AdaptivePaddingConvolution2d : ConvLayerBuilder
{
    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true) =>
        new Conv2dAdaptivePadding(inChannels, outChannels, kernelSize, stride, dilation, groups, bias);
}
