using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmpretrain's <c>PatchEmbed</c>: cuts a (N, C, H, W) image into patches with a strided
/// convolution (<c>projection</c>) and gives them as a token sequence (N, H' * W', embed_dims),
/// row by row, optionally normalised (<c>norm</c>). With a padding mode ("corner", mmpretrain's
/// default, or "same") the image is first padded so that no pixel is left over
/// (<see cref="AdaptivePadding"/>); with a number it is the convolution's own padding.
/// Used by VisionTransformer and SwinTransformer.
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly AdaptivePadding? adaptivePadding;
    private readonly int kernelSize;
    private readonly int stride;
    private readonly int padding;
    private readonly int dilation;

    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> projection;
    private readonly nn.Module<Tensor, Tensor>? norm;

    /// <summary>Creates the embedding.</summary>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="embedDims">Channels of each token.</param>
    /// <param name="kernelSize">Patch size: the projection's square kernel.</param>
    /// <param name="stride">The projection's stride; null for <paramref name="kernelSize"/> (patches that do not overlap).</param>
    /// <param name="padding">"corner" or "same" for adaptive padding, or the convolution's padding as a number in a string ("0").</param>
    /// <param name="dilation">The projection's dilation.</param>
    /// <param name="bias">Whether the projection has a bias.</param>
    /// <param name="norm">The norm over each token's channels (LN); null for none.</param>
    /// <param name="conv">Builds the projection; null for a plain Conv2d.</param>
    public PatchEmbed(
        int inChannels = 3,
        int embedDims = 768,
        int kernelSize = 16,
        int? stride = null,
        string padding = "corner",
        int dilation = 1,
        bool bias = true,
        NormLayerBuilder? norm = null,
        ConvLayerBuilder? conv = null)
        : base(nameof(PatchEmbed))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDims);
        this.kernelSize = kernelSize;
        this.stride = stride ?? kernelSize;
        this.dilation = dilation;
        if (padding is "corner" or "same")
        {
            adaptivePadding = new AdaptivePadding(kernelSize, this.stride, dilation, padding);
        }
        else if (!int.TryParse(padding, out this.padding) || this.padding < 0)
        {
            throw new ArgumentException($"Patch padding is \"corner\", \"same\" or a number of pixels, not \"{padding}\".", nameof(padding));
        }

        projection = (conv ?? new Convolution2d()).Create(inChannels, embedDims, kernelSize, this.stride, this.padding, dilation, 1, bias);
        this.norm = norm?.Create(embedDims);
        EmbedDims = embedDims;
        RegisterComponents();
    }

    /// <summary>Channels of each token.</summary>
    public int EmbedDims { get; }

    /// <summary>The patch grid (rows, columns) that an image of <paramref name="height"/> x <paramref name="width"/> gives.</summary>
    public (long Height, long Width) OutputSize(long height, long width)
    {
        long Side(long length)
        {
            var padded = length + (adaptivePadding?.PaddingFor(length) ?? 2L * padding);
            return ((padded - (dilation * (kernelSize - 1)) - 1) / stride) + 1;
        }

        return (Side(height), Side(width));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var padded = adaptivePadding is null ? input : adaptivePadding.call(input);
        var tokens = projection.call(padded).flatten(2).transpose(1, 2);
        if (norm is not null)
        {
            tokens = norm.call(tokens);
        }

        return tokens.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The padding, the projection, the patches flattened row by row into tokens (Reshape to
    /// (N, embed_dims, H' * W'), Transpose) and the norm; the input's height and width must be known
    /// when exporting.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        if (graph.KnownShape(inputs[0]) is not [.., { } height, { } width])
        {
            throw graph.Unsupported("cuts the image into a patch grid of its height and width, which are not known when exporting");
        }

        var (rows, columns) = OutputSize(height, width);
        var map = graph.Chain(inputs[0], adaptivePadding, projection);
        var tokens = OnnxOperators.Transpose(graph, OnnxOperators.Reshape(graph, map, 0, EmbedDims, rows * columns), 0, 2, 1);
        return [graph.Chain(tokens, norm)];
    }
}
