using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's <c>AdaptivePadding</c>: pads a (N, C, H, W) map with zeros so that a convolution of the
/// given kernel, stride and dilation covers every pixel, as TensorFlow's "SAME" padding does. The
/// padding depends on the input size, so it is worked out at each call. "corner" puts it all at the
/// bottom and right (patch embeddings); "same" splits it, the odd pixel at the bottom and right.
/// </summary>
public sealed class AdaptivePadding : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly int kernelSize;
    private readonly int stride;
    private readonly int dilation;
    private readonly bool corner;

    /// <summary>Creates the module.</summary>
    /// <param name="kernelSize">The convolution's square kernel.</param>
    /// <param name="stride">The convolution's stride.</param>
    /// <param name="dilation">The convolution's dilation.</param>
    /// <param name="mode">"corner" or "same".</param>
    public AdaptivePadding(int kernelSize, int stride, int dilation = 1, string mode = "corner")
        : base(nameof(AdaptivePadding))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dilation);
        corner = mode switch
        {
            "corner" => true,
            "same" => false,
            _ => throw new ArgumentException($"Adaptive padding is \"corner\" or \"same\", not \"{mode}\".", nameof(mode)),
        };

        this.kernelSize = kernelSize;
        this.stride = stride;
        this.dilation = dilation;
    }

    /// <summary>The rows or columns of zeros a side of <paramref name="length"/> pixels needs, in all.</summary>
    public long PaddingFor(long length)
    {
        var outputs = (length + stride - 1) / stride;
        return Math.Max((outputs - 1) * stride + ((kernelSize - 1) * dilation) + 1 - length, 0);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var padHeight = PaddingFor(input.shape[^2]);
        var padWidth = PaddingFor(input.shape[^1]);
        if (padHeight == 0 && padWidth == 0)
        {
            return input.alias();
        }

        long[] pad = corner
            ? [0, padWidth, 0, padHeight]
            : [padWidth / 2, padWidth - (padWidth / 2), padHeight / 2, padHeight - (padHeight / 2)];
        return nn.functional.pad(input, pad);
    }

    /// <summary>A Pad of the zeros <c>forward</c> adds, worked out from the input's height and width known when exporting.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        if (graph.KnownShape(inputs[0]) is not [.., { } height, { } width])
        {
            throw graph.Unsupported("pads by an amount that depends on the input's height and width, which are not known when exporting");
        }

        var (padHeight, padWidth) = (PaddingFor(height), PaddingFor(width));
        if (padHeight == 0 && padWidth == 0)
        {
            return inputs;
        }

        var (top, left) = corner ? (0L, 0L) : (padHeight / 2, padWidth / 2);

        // ONNX's Pad takes every axis's begin pads, then every axis's end pads.
        var pads = graph.Int64s(0, 0, top, left, 0, 0, padHeight - top, padWidth - left);
        return [graph.Node("Pad", [inputs[0], pads])];
    }
}
