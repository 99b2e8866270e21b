using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// The distilled DeiT (Touvron et al., "Training data-efficient image transformers &amp;
/// distillation through attention"), as mmpretrain's <c>DistilledVisionTransformer</c>: the Vision
/// Transformer with a distillation token (<c>dist_token</c>) after the class token, both with rows
/// in the position embedding (<c>pos_embed</c> is (1, 2 + L, C)). With out_type "cls_token" each
/// output holds the pair as one tensor (N, C, 2): <c>[..., 0]</c> the class token,
/// <c>[..., 1]</c> the distillation token (mmpretrain returns the tuple (cls, dist));
/// <see cref="Heads.DeiTClsHead"/> reads it. "featmap", "avg_featmap" and "raw" are the Vision
/// Transformer's, with both tokens left out of the patch grid ("raw" is (N, 2 + L, C)).
/// </summary>
/// <remarks>
/// The class token is always on (mmpretrain passes with_cls_token itself), and there is no
/// pre_norm: mmpretrain's forward never applies it. Beyond mmpretrain, frozen_stages freezes the
/// distillation token with the other embeddings (mmpretrain leaves it trainable); layer-wise
/// learning-rate decay counts it with them, as timm's DeiT groups it with its stem.
/// </remarks>
[RegisterModel]
public partial class DistilledVisionTransformer : VisionTransformer
{
    // mmpretrain's attribute name, so it is the checkpoint key. Null only while the base
    // constructor runs, which calls the overrides below before this class's constructor body.
    private readonly Parameter? dist_token;

    private static readonly string[] DeitArchs = ["deit-tiny", "deit-small", "deit-base"];

    /// <summary>Creates the backbone; the parameters are mmpretrain's DistilledVisionTransformer arguments, with its defaults.</summary>
    /// <param name="arch">The size: "deit-tiny", "deit-small" or "deit-base", mmpretrain's names for the distilled models.</param>
    /// <param name="imgSize">The image side the position embedding is made for; other sizes interpolate it.</param>
    /// <param name="patchSize">The side of each square patch.</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="outIndices">The layers (from 0; negative counts from the last, -1 the last) whose outputs are returned.</param>
    /// <param name="dropRate">Dropout after the position embedding, the attention's projection and in the feed-forward networks.</param>
    /// <param name="dropPathRate">Stochastic depth rate of the last layer; layer i gets rate * i / (num_layers - 1).</param>
    /// <param name="qkvBias">Whether the attention's qkv projections have a bias.</param>
    /// <param name="normCfg">The norm layers; null is LN with eps 1e-6.</param>
    /// <param name="finalNorm">Normalise the last layer's output (<c>ln1</c>).</param>
    /// <param name="outType">"cls_token" (the class and distillation tokens, (N, C, 2)), "featmap", "avg_featmap" or "raw".</param>
    /// <param name="frozenStages">Freeze (no gradients, evaluation mode) the patch embedding, both tokens and the position embedding, and layers.0 ... layers.(k-1), for k above 0; the final norms too when k is num_layers. -1 or 0 freeze nothing.</param>
    /// <param name="interpolateMode">How the position embedding is resized to another grid: "bicubic", "bilinear", "nearest" or "area".</param>
    /// <param name="layerScaleInitValue">Above 0, every layer scales its attention and feed-forward outputs per channel by learned factors starting at this value; 0 for none.</param>
    /// <param name="initCfg">The weight initializers; null is none beyond mmpretrain's own: the position embedding and the distillation token from N(0, 0.02²) truncated to [-2, 2] (skipped with Pretrained), and Xavier-uniform feed-forward weights with N(0, 1e-6²) biases.</param>
    /// <param name="embedDims">mmpretrain's arch dict: the channels of each token, replacing the arch's.</param>
    /// <param name="numLayers">mmpretrain's arch dict: the encoder layers, replacing the arch's.</param>
    /// <param name="numHeads">mmpretrain's arch dict: the attention heads, replacing the arch's; embed_dims must be a multiple.</param>
    /// <param name="feedforwardChannels">mmpretrain's arch dict: the feed-forward networks' hidden channels, replacing the arch's.</param>
    public DistilledVisionTransformer(
        [OneOf("deit-tiny", "deit-small", "deit-base")] string arch = "deit-base",
        [ValueRange(Minimum = 1)] int imgSize = 224,
        [ValueRange(Minimum = 1)] int patchSize = 16,
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [DefaultItems(-1)] int[]? outIndices = null,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropRate = 0,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropPathRate = 0,
        bool qkvBias = true,
        NormLayerBuilder? normCfg = null,
        bool finalNorm = true,
        [OneOf("cls_token", "featmap", "avg_featmap", "raw")] string outType = "cls_token",
        [ValueRange(Minimum = -1)] int frozenStages = -1,
        [OneOf("bicubic", "bilinear", "nearest", "area")] string interpolateMode = "bicubic",
        [ValueRange(Minimum = 0)] double layerScaleInitValue = 0,
        Initializer[]? initCfg = null,
        [ValueRange(Minimum = 1)] int? embedDims = null,
        [ValueRange(Minimum = 1)] int? numLayers = null,
        [ValueRange(Minimum = 1)] int? numHeads = null,
        [ValueRange(Minimum = 1)] int? feedforwardChannels = null)
        : base(2, CheckedArch(arch), imgSize, patchSize, inChannels, outIndices, dropRate, dropPathRate, qkvBias, normCfg, finalNorm, outType, withClsToken: true, frozenStages, interpolateMode, layerScaleInitValue, preNorm: false, initCfg, embedDims, numLayers, numHeads, feedforwardChannels)
    {
        dist_token = new Parameter(torch.zeros(1, 1, EmbedDims));

        // The base constructor registered its fields while this one was still null.
        register_parameter(nameof(dist_token), dist_token);
        FreezeStages();
    }

    /// <summary>The distillation token's embedding (1, 1, C).</summary>
    public Parameter DistToken => dist_token!;

    /// <summary>
    /// The Vision Transformer's initialisation, then mmpretrain's for the distillation token:
    /// N(0, 0.02²) truncated to [-2, 2], unless a Pretrained initializer loads the weights.
    /// </summary>
    public override void OnWeightsInitialized()
    {
        base.OnWeightsInitialized();
        if (InitCfg.Any(initializer => initializer is PretrainedInit))
        {
            return;
        }

        WeightFill.TruncNormal(dist_token!, 0, 0.02, -2, 2);
    }

    /// <summary>The class token, then the distillation token, each (N, 1, C).</summary>
    protected override IReadOnlyList<Tensor> ExtraTokens(long batch) =>
        [.. base.ExtraTokens(batch), dist_token!.expand(batch, -1, -1)];

    /// <summary>Both tokens, channels first: (N, C, 2), the class token at index 0 of the last dimension.</summary>
    protected override Tensor ClassTokenOutput(Tensor tokens) => tokens[.., ..2].transpose(1, 2);

    /// <summary>The class token, then the distillation token, each expanded to (N, 1, C), as <see cref="ExtraTokens"/>.</summary>
    protected override IReadOnlyList<string> ExportExtraTokens(OnnxGraphBuilder graph, string tokenShape) =>
        [.. base.ExportExtraTokens(graph, tokenShape), ExportExpandedToken(graph, dist_token!, nameof(dist_token), tokenShape)];

    /// <summary>Both tokens, channels first: (N, C, 2), as <see cref="ClassTokenOutput"/>.</summary>
    protected override string ExportClassTokenOutput(OnnxGraphBuilder graph, string tokens) =>
        OnnxOperators.Transpose(graph, OnnxOperators.Slice(graph, tokens, 1, 0, 2), 0, 2, 1);

    /// <summary>The Vision Transformer's embeddings and the distillation token.</summary>
    protected override IEnumerable<Parameter> FrozenEmbeddings() =>
        dist_token is null ? base.FrozenEmbeddings() : base.FrozenEmbeddings().Append(dist_token);

    // mmpretrain lets this class take any Vision Transformer arch; the zoo lists the DeiT sizes,
    // the only ones with distilled weights, by the names mmpretrain's configs use (not the short
    // aliases, which would only double the catalog's walk). Checked first, so that the message
    // names this list.
    private static string CheckedArch(string arch)
    {
        ArgumentNullException.ThrowIfNull(arch);
        if (!DeitArchs.Contains(arch.ToLowerInvariant()))
        {
            throw new ConfigValueException("arch", arch, $"one of {string.Join(", ", DeitArchs.Select(name => $"\"{name}\""))}");
        }

        return arch;
    }
}

/// <summary>The distilled Vision Transformer's size from its config: the Vision Transformer's, with a second extra token.</summary>
public partial class DistilledVisionTransformerConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters() =>
        VisionTransformerConfig.Estimate(Arch ?? "deit-base", EmbedDims, NumLayers, FeedforwardChannels, ImgSize, PatchSize, InChannels, extraTokens: 2);
}
