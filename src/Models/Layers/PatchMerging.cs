using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmcv's <c>PatchMerging</c> with its defaults (a 2 x 2 kernel, stride 2, "corner" padding, no
/// bias): a (N, H * W, C) token map, row by row, padded at the bottom and right to even sides, each
/// 2 x 2 neighbourhood gathered into one token of 4C channels, normalised (<c>norm</c>) and
/// projected to out_channels (<c>reduction</c>). Out, (N, ceil(H / 2) * ceil(W / 2), out_channels).
/// </summary>
/// <remarks>
/// The 4C channels come in nn.Unfold's order, channel-major: c * 4 + 2 * row + column for channel
/// c of the neighbour at (row, column). torchvision concatenates the neighbours instead
/// ((0, 0), (1, 0), (0, 1), (1, 1), each with all C channels), so its <c>norm</c> and
/// <c>reduction</c> weights are permuted on conversion (<c>SwinTransformerKeyMap</c>).
/// </remarks>
public sealed class PatchMerging : nn.Module
{
    // mmcv's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly nn.Module<Tensor, Tensor> reduction;

    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">C, the channels of each input token.</param>
    /// <param name="outChannels">Channels of each output token.</param>
    /// <param name="normLayer">The norm over the 4C gathered channels; null for LN.</param>
    /// <param name="bias">Whether the reduction has a bias.</param>
    public PatchMerging(int inChannels, int outChannels, NormLayerBuilder? normLayer = null, bool bias = false)
        : base(nameof(PatchMerging))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        norm = (normLayer ?? new LayerNormalization()).Create(4 * inChannels);
        reduction = nn.Linear(4 * inChannels, outChannels, hasBias: bias);
        InChannels = inChannels;
        OutChannels = outChannels;
        RegisterComponents();
    }

    /// <summary>C, the channels of each input token.</summary>
    public int InChannels { get; }

    /// <summary>Channels of each output token.</summary>
    public int OutChannels { get; }

    /// <summary>Merges each 2 x 2 neighbourhood of the map.</summary>
    /// <param name="input">(N, H * W, C) tokens, row by row.</param>
    /// <param name="height">H, the map's rows.</param>
    /// <param name="width">W, the map's columns.</param>
    /// <returns>(N, H' * W', out_channels) tokens and the merged map's rows H' and columns W'.</returns>
    public (Tensor Output, long Height, long Width) Forward(Tensor input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var (batch, channels) = (input.shape[0], input.shape[2]);
        var map = nn.functional.pad(input.view(batch, height, width, channels), [0, 0, 0, width % 2, 0, height % 2]);
        var (rows, columns) = ((height + 1) / 2, (width + 1) / 2);
        var gathered = map.view(batch, rows, 2, columns, 2, channels).permute(0, 1, 3, 5, 2, 4).reshape(batch, rows * columns, 4 * channels);
        return (reduction.call(norm.call(gathered)).MoveToOuterDisposeScope(), rows, columns);
    }

    /// <summary>
    /// <see cref="Forward"/> in an ONNX graph for a map of <paramref name="height"/> x
    /// <paramref name="width"/>, fixed when exporting. Call it with this layer current
    /// (<see cref="OnnxGraphBuilder.ExportWithin"/>).
    /// </summary>
    /// <returns>The output value (N, H' * W', out_channels) and the merged map's rows H' and columns W'.</returns>
    public (string Output, long Height, long Width) ExportOnnx(OnnxGraphBuilder graph, string input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var channels = InChannels;
        var map = OnnxOperators.Reshape(graph, input, -1, height, width, channels);
        if (height % 2 != 0 || width % 2 != 0)
        {
            map = graph.Node("Pad", [map, graph.Int64s(0, 0, 0, 0, 0, height % 2, width % 2, 0)]);
        }

        var (rows, columns) = ((height + 1) / 2, (width + 1) / 2);
        var neighbourhoods = OnnxOperators.Reshape(graph, map, -1, rows, 2, columns, 2, channels);
        var gathered = OnnxOperators.Reshape(graph, OnnxOperators.Transpose(graph, neighbourhoods, 0, 1, 3, 5, 2, 4), -1, rows * columns, 4 * channels);
        return (graph.Chain(gathered, norm, reduction), rows, columns);
    }
}
