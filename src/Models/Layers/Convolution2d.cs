using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// A plain 2-D convolution, mmcv's <c>{"type": "Conv2d"}</c> (or <c>"Conv"</c>), and what a null
/// <c>conv_cfg</c> means. State-dict entries <c>weight</c> (out, in / groups, k, k) and, with a
/// bias, <c>bias</c> (out).
/// </summary>
[RegisterModel("Conv2d", Aliases = ["Conv"])]
public sealed class Convolution2d : ConvLayerBuilder
{
    private readonly PaddingModes paddingMode;

    /// <param name="paddingMode">How the border is padded: "zeros", "reflect", "replicate" or "circular".</param>
    public Convolution2d([OneOf("zeros", "reflect", "replicate", "circular")] string paddingMode = "zeros")
    {
        this.paddingMode = paddingMode switch
        {
            "zeros" => PaddingModes.Zeros,
            "reflect" => PaddingModes.Reflect,
            "replicate" => PaddingModes.Replicate,
            "circular" => PaddingModes.Circular,
            _ => throw new ConfigValueException("padding_mode", paddingMode, "one of \"zeros\", \"reflect\", \"replicate\", \"circular\""),
        };
    }

    /// <inheritdoc />
    public override nn.Module<Tensor, Tensor> Create(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true) =>
        nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, dilation: dilation, padding_mode: paddingMode, groups: groups, bias: bias);
}
