using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// Layer normalization of each position's channels in a (N, C, H, W) map, mmpretrain's
/// <c>LayerNorm2d</c> (ConvNeXt's norm): the same parameters as a <c>LayerNorm(C)</c>
/// (<c>weight</c>, <c>bias</c>), applied with the channels moved last and back.
/// </summary>
public sealed class LayerNorm2d : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly long[] shape;
    private readonly double eps;

    // PyTorch's LayerNorm attribute names, so they are the checkpoint keys.
    private readonly TorchSharp.Modules.Parameter? weight;
    private readonly TorchSharp.Modules.Parameter? bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="numChannels">Channels normalised at each position.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="elementwiseAffine">Learn a per-channel scale (weight) and shift (bias).</param>
    public LayerNorm2d(int numChannels, double eps = 1e-5, bool elementwiseAffine = true)
        : base(nameof(LayerNorm2d))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numChannels);
        shape = [numChannels];
        this.eps = eps;
        if (elementwiseAffine)
        {
            weight = new TorchSharp.Modules.Parameter(torch.ones(numChannels));
            bias = new TorchSharp.Modules.Parameter(torch.zeros(numChannels));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4)
        {
            throw new ArgumentException($"LayerNorm2d takes (N, C, H, W) maps, but got a tensor of shape ({string.Join(", ", input.shape)}).", nameof(input));
        }

        using var channelsLast = input.permute(0, 2, 3, 1);
        using var normalised = nn.functional.layer_norm(channelsLast, shape, weight, bias, eps);
        return normalised.permute(0, 3, 1, 2);
    }

    /// <summary>LayerNormalization over the last axis, between transposes to channels last and back.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var channelsLast = OnnxOperators.Transpose(graph, inputs[0], 0, 2, 3, 1);
        var normalised = OnnxOperators.LayerNorm(graph, channelsLast, weight, bias, shape, eps);
        return [OnnxOperators.Transpose(graph, normalised, 0, 3, 1, 2)];
    }
}
