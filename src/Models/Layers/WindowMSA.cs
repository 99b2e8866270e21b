using ImageClassifier.Models.Initialization;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Layers;

/// <summary>
/// mmpretrain's <c>WindowMSA</c>: multi-head self-attention inside each window of tokens, with a
/// learned bias per head for every relative position of two tokens in a window (Swin Transformer's
/// relative position bias). (nW * N, window_size², C) windows in, the same shape out; an optional
/// mask (nW, window_size², window_size²) of 0 and -100 is added per window before the softmax.
/// Keys as mmpretrain's: <c>relative_position_bias_table</c> ((2 Wh - 1)(2 Ww - 1), heads),
/// the buffer <c>relative_position_index</c> (Wh Ww, Wh Ww), <c>qkv</c>, <c>proj</c>.
/// </summary>
public sealed class WindowMSA : nn.Module, IHasInitConfig
{
#pragma warning disable IDE1006 // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly Parameter relative_position_bias_table;
    private readonly Tensor relative_position_index;
#pragma warning restore IDE1006
    private readonly Linear qkv;
    private readonly nn.Module<Tensor, Tensor> attn_drop;
    private readonly Linear proj;
    private readonly nn.Module<Tensor, Tensor> proj_drop;
    private readonly int numHeads;
    private readonly int windowSize;
    private readonly Scalar scale;

    /// <summary>Creates the attention.</summary>
    /// <param name="embedDims">Channels of each token.</param>
    /// <param name="windowSize">Side of the square window.</param>
    /// <param name="numHeads">Attention heads; they split <paramref name="embedDims"/> evenly.</param>
    /// <param name="qkvBias">Whether the query, key and value projection has a bias.</param>
    /// <param name="qkScale">The factor on the queries; null for head channels^-0.5.</param>
    /// <param name="attnDrop">Dropout on the attention weights.</param>
    /// <param name="projDrop">Dropout on the output.</param>
    public WindowMSA(int embedDims, int windowSize, int numHeads, bool qkvBias = true, double? qkScale = null, double attnDrop = 0, double projDrop = 0)
        : base(nameof(WindowMSA))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDims);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numHeads);
        if (embedDims % numHeads != 0)
        {
            throw new ArgumentException($"The {numHeads} heads must divide the {embedDims} channels evenly.", nameof(numHeads));
        }

        this.numHeads = numHeads;
        this.windowSize = windowSize;
        scale = (qkScale ?? Math.Pow(embedDims / numHeads, -0.5)).ToScalar();
        var span = (2 * windowSize) - 1;
        relative_position_bias_table = new Parameter(torch.zeros(span * span, numHeads));
        relative_position_index = RelativePositionIndex(windowSize);
        qkv = nn.Linear(embedDims, embedDims * 3, hasBias: qkvBias);
        attn_drop = nn.Dropout(attnDrop);
        proj = nn.Linear(embedDims, embedDims);
        proj_drop = nn.Dropout(projDrop);
        RegisterComponents();
        OnWeightsInitialized();
    }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg => [];

    /// <summary>Channels of each token.</summary>
    public int EmbedDims => (int)qkv.in_features;

    /// <summary>Draws the bias table from a normal of std 0.02 truncated at ±2, as mmpretrain's <c>init_weights</c> does.</summary>
    public void OnWeightsInitialized()
    {
        using var noGrad = torch.no_grad();
        nn.init.trunc_normal_(relative_position_bias_table, std: 0.02);
    }

    /// <summary>Attention within each window.</summary>
    /// <param name="windows">(nW * N, window_size², C) tokens, window by window.</param>
    /// <param name="mask">(nW, window_size², window_size²) added to the logits of each window (the n-th window of every image takes mask n); null for none.</param>
    /// <returns>(nW * N, window_size², C).</returns>
    public Tensor Forward(Tensor windows, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(windows);
        using var scope = torch.NewDisposeScope();
        var (count, tokens, channels) = (windows.shape[0], windows.shape[1], windows.shape[2]);
        var qkvHeads = qkv.call(windows).reshape(count, tokens, 3, numHeads, channels / numHeads).permute(2, 0, 3, 1, 4);
        var query = qkvHeads[0].mul(scale);
        var attention = query.matmul(qkvHeads[1].transpose(-2, -1));

        var area = windowSize * windowSize;
        var bias = relative_position_bias_table.index_select(0, relative_position_index.view(-1))
            .view(area, area, -1).permute(2, 0, 1).unsqueeze(0);
        attention = attention.add(bias, ScalarConstants.One);
        if (mask is not null)
        {
            var windowCount = mask.shape[0];
            attention = attention.view(count / windowCount, windowCount, numHeads, tokens, tokens)
                .add(mask.unsqueeze(1).unsqueeze(0), ScalarConstants.One)
                .view(-1, numHeads, tokens, tokens);
        }

        attention = attn_drop.call(attention.softmax(-1));
        var output = attention.matmul(qkvHeads[2]).transpose(1, 2).reshape(count, tokens, channels);
        return proj_drop.call(proj.call(output)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Forward"/> in an ONNX graph. The relative position bias, a gather of the table by
    /// the index, is worked out while exporting and added as a constant (heads, window_size², window_size²),
    /// as is <paramref name="mask"/>. Call it with this attention current (<see cref="OnnxGraphBuilder.ExportWithin"/>).
    /// </summary>
    /// <param name="graph">The graph being built.</param>
    /// <param name="windows">(nW * N, window_size², C) tokens, window by window.</param>
    /// <param name="mask">As <see cref="Forward"/>'s, a tensor of the exported map size; null for none.</param>
    /// <returns>The output value, (nW * N, window_size², C).</returns>
    public string ExportOnnx(OnnxGraphBuilder graph, string windows, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var scope = torch.NewDisposeScope();
        var channels = EmbedDims;
        var area = windowSize * windowSize;
        var heads = OnnxOperators.Reshape(graph, graph.Export(qkv, windows), 0, 0, 3, numHeads, channels / numHeads);
        var parts = OnnxOperators.Transpose(graph, heads, 2, 0, 3, 1, 4);
        graph.Consumed(relative_position_bias_table, relative_position_index);
        var bias = relative_position_bias_table.index_select(0, relative_position_index.view(-1)).view(area, area, -1).permute(2, 0, 1);

        string BiasAndMask(string logits)
        {
            logits = graph.Node("Add", [logits, OnnxOperators.Constant(graph, bias)]);
            if (mask is null)
            {
                return logits;
            }

            var perWindow = OnnxOperators.Reshape(graph, logits, -1, mask.shape[0], numHeads, area, area);
            var masked = graph.Node("Add", [perWindow, OnnxOperators.Constant(graph, mask.unsqueeze(1))]);
            return OnnxOperators.Reshape(graph, masked, -1, numHeads, area, area);
        }

        var attended = OnnxOperators.Attention(
            graph,
            OnnxOperators.Select(graph, parts, 0, 0),
            OnnxOperators.Select(graph, parts, 0, 1),
            OnnxOperators.Select(graph, parts, 0, 2),
            (float)scale.ToDouble(),
            BiasAndMask);
        var merged = OnnxOperators.Reshape(graph, OnnxOperators.Transpose(graph, attended, 0, 2, 1, 3), 0, 0, channels);
        return graph.Chain(merged, proj, proj_drop);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            scale.Dispose();
        }

        base.Dispose(disposing);
    }

    // Row-major token t = (i, j) of the window; entry (a, b) is the table row of the offset
    // (i_a - i_b, j_a - j_b), shifted to start at 0: (i_a - i_b + W - 1)(2W - 1) + j_a - j_b + W - 1.
    private static Tensor RelativePositionIndex(int window)
    {
        var area = window * window;
        var index = new long[area * area];
        for (var a = 0; a < area; a++)
        {
            for (var b = 0; b < area; b++)
            {
                var rows = (a / window) - (b / window) + window - 1;
                var columns = (a % window) - (b % window) + window - 1;
                index[(a * area) + b] = (rows * ((2 * window) - 1)) + columns;
            }
        }

        return torch.tensor(index, new long[] { area, area });
    }
}
