using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's <c>Conv2dAdaptivePadding</c>: a 2-D convolution with TensorFlow's "SAME" padding, worked
/// out from each input's size (<see cref="AdaptivePadding"/> in "same" mode: the odd row or column
/// at the bottom or right), so (N, in, H, W) gives (N, out, ceil(H / stride), ceil(W / stride)).
/// EfficientNet's convolutions, whose TensorFlow-trained weights expect that padding. State-dict
/// entries as a Conv2d's: <c>weight</c> (out, in / groups, k, k) and, with a bias, <c>bias</c> (out).
/// </summary>
public sealed class Conv2dAdaptivePadding : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // Field names are the state-dict keys; a null bias is not registered.
#pragma warning disable IDE1006 // PyTorch's names
    private readonly Parameter weight;
    private readonly Parameter? bias;
#pragma warning restore IDE1006
    private readonly AdaptivePadding padding;
    private readonly long[] stride;
    private readonly long[] dilation;
    private readonly long groups;

    /// <summary>Creates the convolution, initialised as PyTorch initialises a Conv2d.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Square kernel size.</param>
    /// <param name="stride">Convolution stride.</param>
    /// <param name="dilation">Kernel dilation.</param>
    /// <param name="groups">Convolution groups.</param>
    /// <param name="bias">Whether the convolution has a bias.</param>
    public Conv2dAdaptivePadding(int inChannels, int outChannels, int kernelSize, int stride = 1, int dilation = 1, int groups = 1, bool bias = true)
        : base(nameof(Conv2dAdaptivePadding))
    {
        using (var template = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, dilation: dilation, groups: groups, bias: bias))
        {
            weight = new Parameter(template.weight!.detach().clone());
            this.bias = bias ? new Parameter(template.bias!.detach().clone()) : null;
        }

        padding = new AdaptivePadding(kernelSize, stride, dilation, "same");
        this.stride = [stride, stride];
        this.dilation = [dilation, dilation];
        this.groups = groups;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var padded = padding.call(input);
        return nn.functional.conv2d(padded, weight, bias, stride, [0L, 0L], dilation, groups);
    }

    /// <summary>A Conv with ONNX's SAME_UPPER padding, which is this padding worked out from the input's size the same way.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [OnnxOperators.Conv(graph, inputs[0], weight, bias, stride, [0L, 0L], dilation, groups, autoPad: "SAME_UPPER")];
    }
}
