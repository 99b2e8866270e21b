using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// One encoder layer of the Vision Transformer, as mmpretrain's <c>TransformerEncoderLayer</c>:
/// pre-norm self-attention (<c>ln1</c>, <c>attn</c>) and a pre-norm feed-forward network
/// (<c>ln2</c>, <c>ffn</c>: <c>ffn.layers.0.0</c>, <c>ffn.layers.1</c>), each added back to its
/// input; with a layer scale, each branch is scaled per channel first (<c>attn.gamma1.weight</c>,
/// <c>ffn.gamma2.weight</c>). (N, L, embed_dims) in and out.
/// </summary>
public sealed class TransformerEncoderLayer : nn.Module<Tensor, Tensor>, IHasInitConfig, IOnnxExportable
{
    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly nn.Module<Tensor, Tensor> ln1;
    private readonly MultiheadAttention attn;
    private readonly nn.Module<Tensor, Tensor> ln2;
    private readonly FFN ffn;

    /// <summary>Creates the layer.</summary>
    /// <param name="embedDims">Channels of each token.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="feedforwardChannels">Hidden channels of the feed-forward network.</param>
    /// <param name="dropRate">Dropout after the attention's projection and in the feed-forward network.</param>
    /// <param name="attnDropRate">Dropout of the attention weights.</param>
    /// <param name="dropPathRate">Drop path probability of both residual branches.</param>
    /// <param name="qkvBias">Whether the attention's qkv projection has a bias.</param>
    /// <param name="norm">The two norms; mmcv's LN (eps 1e-5) when null.</param>
    /// <param name="activation">The feed-forward network's activation; GELU when null.</param>
    /// <param name="layerScaleInitValue">Above 0, both branches get a learned per-channel scale starting at this value; 0 for none.</param>
    public TransformerEncoderLayer(
        int embedDims,
        int numHeads,
        int feedforwardChannels,
        double dropRate = 0,
        double attnDropRate = 0,
        double dropPathRate = 0,
        bool qkvBias = true,
        NormLayerBuilder? norm = null,
        ActivationBuilder? activation = null,
        double layerScaleInitValue = 0)
        : base(nameof(TransformerEncoderLayer))
    {
        norm ??= new LayerNormalization();
        ln1 = norm.Create(embedDims);
        attn = new MultiheadAttention(embedDims, numHeads, attnDrop: attnDropRate, projDrop: dropRate, dropPath: dropPathRate, qkvBias: qkvBias, layerScaleInitValue: layerScaleInitValue);
        ln2 = norm.Create(embedDims);
        ffn = new FFN(embedDims, feedforwardChannels, activation: activation ?? new GeluActivation(), ffnDrop: dropRate, dropPath: dropPathRate, layerScaleInitValue: layerScaleInitValue);
        RegisterComponents();
    }

    /// <summary>None: the layer's own initialisation is <see cref="OnWeightsInitialized"/>.</summary>
    public IReadOnlyList<Initializer> InitCfg => [];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var attended = input.add(attn.call(ln1.call(input)), ScalarConstants.One);
        return ffn.Forward(ln2.call(attended), attended).MoveToOuterDisposeScope();
    }

    /// <summary>The normalised attention added to the input, then the feed-forward network on its norm with it added back, as <c>forward</c>.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var attended = graph.Node("Add", [inputs[0], graph.Chain(inputs[0], ln1, attn)]);
        var normalised = graph.Export(ln2, attended);
        return [graph.ExportWithin(ffn, () => ffn.ExportOnnx(graph, normalised, attended))];
    }

    /// <summary>
    /// mmpretrain's <c>init_weights</c> of the layer: the feed-forward network's linear layers get
    /// Xavier-uniform weights and N(0, 1e-6²) biases.
    /// </summary>
    public void OnWeightsInitialized()
    {
        using var noGrad = torch.no_grad();
        foreach (var linear in ffn.modules().OfType<TorchSharp.Modules.Linear>())
        {
            WeightFill.Xavier(linear.weight!, 1.0, InitDistribution.Uniform);
            linear.bias?.normal_(0, 1e-6);
        }
    }
}
