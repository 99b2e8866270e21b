using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// mmpretrain's <c>SwinBlock</c>: (shifted) window attention and a GELU feed-forward network, each
/// after a layer norm and each added back to its input (pre-norm residuals), with drop path on both
/// branches. (N, H * W, C) tokens in, the same shape out. Keys as mmpretrain's: <c>norm1</c>,
/// <c>attn.w_msa.*</c>, <c>norm2</c>, <c>ffn.layers.0.0</c>, <c>ffn.layers.1</c>.
/// </summary>
public sealed class SwinBlock : nn.Module
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> norm1;
    private readonly ShiftWindowMSA attn;
    private readonly nn.Module<Tensor, Tensor> norm2;
    private readonly FFN ffn;

    /// <summary>Creates the block.</summary>
    /// <param name="embedDims">Channels of each token.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="windowSize">Side of the square window.</param>
    /// <param name="shift">Shift the windows by half a window (every second block of a stage).</param>
    /// <param name="ffnRatio">Hidden channels of the feed-forward network per token channel.</param>
    /// <param name="dropPath">Drop path probability of both branches.</param>
    /// <param name="padSmallMap">See <see cref="ShiftWindowMSA"/>.</param>
    /// <param name="norm">The two norms; null for LN.</param>
    public SwinBlock(int embedDims, int numHeads, int windowSize = 7, bool shift = false, double ffnRatio = 4, double dropPath = 0, bool padSmallMap = false, NormLayerBuilder? norm = null)
        : base(nameof(SwinBlock))
    {
        var normLayer = norm ?? new LayerNormalization();
        norm1 = normLayer.Create(embedDims);
        attn = new ShiftWindowMSA(embedDims, numHeads, windowSize, shift ? windowSize / 2 : 0, dropPath, padSmallMap);
        norm2 = normLayer.Create(embedDims);
        ffn = new FFN(embedDims, (int)(embedDims * ffnRatio), activation: new GeluActivation(), dropPath: dropPath);
        RegisterComponents();
    }

    /// <summary>Runs the block on a token map.</summary>
    /// <param name="input">(N, H * W, C) tokens, row by row.</param>
    /// <param name="height">H, the map's rows.</param>
    /// <param name="width">W, the map's columns.</param>
    /// <returns>(N, H * W, C).</returns>
    public Tensor Forward(Tensor input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var attended = attn.Forward(norm1.call(input), height, width).add(input, ScalarConstants.One);
        return ffn.Forward(norm2.call(attended), attended).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Forward"/> in an ONNX graph for a map of <paramref name="height"/> x
    /// <paramref name="width"/>, fixed when exporting. Call it with this block current
    /// (<see cref="OnnxGraphBuilder.ExportWithin"/>).
    /// </summary>
    /// <returns>The output value, (N, H * W, C).</returns>
    public string ExportOnnx(OnnxGraphBuilder graph, string input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var normalised = graph.Export(norm1, input);
        var attended = graph.Node("Add", [graph.ExportWithin(attn, () => attn.ExportOnnx(graph, normalised, height, width)), input]);
        var normalisedAgain = graph.Export(norm2, attended);
        return graph.ExportWithin(ffn, () => ffn.ExportOnnx(graph, normalisedAgain, attended));
    }
}
