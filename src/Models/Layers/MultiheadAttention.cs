using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmpretrain's <c>MultiheadAttention</c> (self-attention over a token sequence): one fused
/// projection <c>qkv</c> to queries, keys and values (in that order, each split into
/// <c>num_heads</c> contiguous heads), scaled dot-product attention per head, the output projection
/// <c>proj</c>, dropout, the optional layer scale and the residual path's drop path. (N, L, C) in,
/// (N, L, embed_dims) out; the caller adds the shortcut. Keys: <c>qkv.weight</c> (3 embed_dims,
/// input_dims), <c>qkv.bias</c>, <c>proj.weight</c>, <c>proj.bias</c>, and <c>gamma1.weight</c>
/// (embed_dims) with a layer scale.
/// </summary>
public sealed class MultiheadAttention : nn.Module<Tensor, Tensor>, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> qkv;
    private readonly nn.Module<Tensor, Tensor> proj;
    private readonly nn.Module<Tensor, Tensor> proj_drop;
    private readonly nn.Module<Tensor, Tensor> out_drop;
    private readonly LayerScale? gamma1;
    private readonly double attnDrop;

    /// <summary>Creates the attention.</summary>
    /// <param name="embedDims">Channels of the queries, keys, values and output; a multiple of <paramref name="numHeads"/>.</param>
    /// <param name="numHeads">Parallel attention heads.</param>
    /// <param name="inputDims">Channels of the input tokens; null for <paramref name="embedDims"/>.</param>
    /// <param name="attnDrop">Dropout of the attention weights, in training.</param>
    /// <param name="projDrop">Dropout after the output projection.</param>
    /// <param name="dropPath">Drop path probability of the residual branch (mmpretrain's <c>dropout_layer: {type: DropPath}</c>).</param>
    /// <param name="qkvBias">Whether <c>qkv</c> has a bias.</param>
    /// <param name="projBias">Whether <c>proj</c> has a bias.</param>
    /// <param name="layerScaleInitValue">Above 0, scale the output per channel by a learned <c>gamma1</c> starting at this value (mmpretrain's <c>layer_scale_init_value</c>); 0 for none.</param>
    public MultiheadAttention(int embedDims, int numHeads, int? inputDims = null, double attnDrop = 0, double projDrop = 0, double dropPath = 0, bool qkvBias = true, bool projBias = true, double layerScaleInitValue = 0)
        : base(nameof(MultiheadAttention))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDims);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numHeads);
        if (embedDims % numHeads != 0)
        {
            throw new ArgumentException($"embed_dims ({embedDims}) must be a multiple of num_heads ({numHeads}).", nameof(numHeads));
        }

        EmbedDims = embedDims;
        NumHeads = numHeads;
        this.attnDrop = attnDrop;
        qkv = nn.Linear(inputDims ?? embedDims, embedDims * 3, hasBias: qkvBias);
        proj = nn.Linear(embedDims, embedDims, hasBias: projBias);
        proj_drop = nn.Dropout(projDrop);
        out_drop = dropPath > 0 ? new DropPath(dropPath) : nn.Identity();
        gamma1 = layerScaleInitValue > 0 ? new LayerScale(embedDims, layerScaleInitValue) : null;
        RegisterComponents();
    }

    /// <summary>Channels of the output.</summary>
    public int EmbedDims { get; }

    /// <summary>Parallel attention heads.</summary>
    public int NumHeads { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var (batch, length) = (input.shape[0], input.shape[1]);

        // (N, L, 3 C) -> (3, N, heads, L, C / heads): the order mmpretrain and torch's fused
        // in_proj_weight share, so torchvision's weights load unchanged.
        var parts = qkv.call(input).reshape(batch, length, 3, NumHeads, EmbedDims / NumHeads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], p: training ? attnDrop : 0);
        var merged = attended.transpose(1, 2).reshape(batch, length, EmbedDims);
        var projected = proj_drop.call(proj.call(merged));
        return out_drop.call(gamma1 is null ? projected : gamma1.call(projected)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>forward</c> in an ONNX graph: qkv, split into heads as there, the attention with the
    /// 1 / √(head channels) scale scaled_dot_product_attention uses, the heads merged back, proj;
    /// the dropouts and drop path are identities in evaluation.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var headChannels = EmbedDims / NumHeads;
        var heads = OnnxOperators.Reshape(graph, graph.Export(qkv, inputs[0]), 0, 0, 3, NumHeads, headChannels);
        var parts = OnnxOperators.Transpose(graph, heads, 2, 0, 3, 1, 4);
        var attended = OnnxOperators.Attention(
            graph,
            OnnxOperators.Select(graph, parts, 0, 0),
            OnnxOperators.Select(graph, parts, 0, 1),
            OnnxOperators.Select(graph, parts, 0, 2),
            (float)(1 / Math.Sqrt(headChannels)));
        var merged = OnnxOperators.Reshape(graph, OnnxOperators.Transpose(graph, attended, 0, 2, 1, 3), 0, 0, EmbedDims);
        return [graph.Chain(merged, proj, proj_drop, gamma1, out_drop)];
    }
}
