using ImageClassifier.Models.Checkpoints;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// The Vision Transformer (Dosovitskiy et al., "An Image is Worth 16x16 Words"), as mmpretrain's
/// <c>VisionTransformer</c>: the image cut into patches (<c>patch_embed</c>), a class token
/// (<c>cls_token</c>) put in front, a learned position embedding (<c>pos_embed</c>) added, then
/// num_layers encoder layers (<c>layers.0</c> ...) and a final LayerNorm (<c>ln1</c>). An image batch
/// (N, in_channels, H, W) in; out, for each layer in <c>out_indices</c> (stage i is layers.i),
/// shallowest first: the class token (N, C) with out_type "cls_token", the patch tokens as a map
/// (N, C, H / patch_size, W / patch_size) with "featmap", their normalised mean (N, C) with
/// "avg_featmap", or every token (N, 1 + L, C) with "raw". With layer_scale_init_value above 0,
/// each layer scales its two residual branches per channel (<c>layers.N.attn.gamma1.weight</c>,
/// <c>layers.N.ffn.gamma2.weight</c>, as mmpretrain's).
/// </summary>
/// <remarks>
/// The position embedding is made for img_size; another image size interpolates it (bicubic, as
/// mmpretrain's <c>resize_pos_embed</c>) on every forward, and a checkpoint made at another size is
/// resized to img_size when it is loaded (<see cref="BeforeLoad"/>). mmpretrain also takes
/// <c>arch</c> as a dict; here its four keys are members (<c>embed_dims</c>, <c>num_layers</c>,
/// <c>num_heads</c>, <c>feedforward_channels</c>), each replacing the arch's value when set.
/// </remarks>
[RegisterModel]
public partial class VisionTransformer : Backbone, IHasInitConfig, IHasFeatureInfo, ILayerDepth, IStateDictLoadHook, IOnnxExportable
{
    // embed_dims, num_layers, num_heads, feedforward_channels: mmpretrain's arch_zoo.
    private static readonly IReadOnlyDictionary<string, (int EmbedDims, int NumLayers, int NumHeads, int FeedforwardChannels)> ArchSettings =
        new Dictionary<string, (int, int, int, int)>
        {
            ["s"] = (768, 8, 8, 768 * 3),
            ["small"] = (768, 8, 8, 768 * 3),
            ["b"] = (768, 12, 12, 3072),
            ["base"] = (768, 12, 12, 3072),
            ["l"] = (1024, 24, 16, 4096),
            ["large"] = (1024, 24, 16, 4096),
            ["deit-t"] = (192, 12, 3, 192 * 4),
            ["deit-tiny"] = (192, 12, 3, 192 * 4),
            ["deit-s"] = (384, 12, 6, 384 * 4),
            ["deit-small"] = (384, 12, 6, 384 * 4),
            ["deit-b"] = (768, 12, 12, 768 * 4),
            ["deit-base"] = (768, 12, 12, 768 * 4),
        };

    private static readonly string[] OutTypes = ["cls_token", "featmap", "avg_featmap", "raw"];

    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly PatchEmbed patch_embed;
    private readonly Parameter? cls_token;
    private readonly Parameter pos_embed;
    private readonly nn.Module<Tensor, Tensor> drop_after_pos;
    private readonly nn.Module<Tensor, Tensor> pre_norm;
    private readonly ModuleList<TransformerEncoderLayer> layers;
    private readonly nn.Module<Tensor, Tensor>? ln1;
    private readonly nn.Module<Tensor, Tensor>? ln2;

    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly int numExtraTokens;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's VisionTransformer arguments, with its defaults.</summary>
    /// <param name="arch">The size: "s"/"small", "b"/"base", "l"/"large", "deit-t"/"deit-tiny", "deit-s"/"deit-small" or "deit-b"/"deit-base" (case ignored, as mmpretrain lowers it).</param>
    /// <param name="imgSize">The image side the position embedding is made for; other sizes interpolate it.</param>
    /// <param name="patchSize">The side of each square patch.</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="outIndices">The layers (from 0; negative counts from the last, -1 the last) whose outputs are returned.</param>
    /// <param name="dropRate">Dropout after the position embedding, the attention's projection and in the feed-forward networks.</param>
    /// <param name="dropPathRate">Stochastic depth rate of the last layer; layer i gets rate * i / (num_layers - 1).</param>
    /// <param name="qkvBias">Whether the attention's qkv projections have a bias.</param>
    /// <param name="normCfg">The norm layers; null is LN with eps 1e-6.</param>
    /// <param name="finalNorm">Normalise the last layer's output (<c>ln1</c>).</param>
    /// <param name="outType">"cls_token", "featmap", "avg_featmap" or "raw": what each output holds (see the class summary).</param>
    /// <param name="withClsToken">Put a class token before the patch tokens; required by out_type "cls_token".</param>
    /// <param name="frozenStages">Freeze (no gradients, evaluation mode) the patch embedding, class token, position embedding and pre-norm, and layers.0 ... layers.(k-1), for k above 0; the final norms too when k is num_layers. -1 or 0 freeze nothing.</param>
    /// <param name="interpolateMode">How the position embedding is resized to another grid: "bicubic", "bilinear", "nearest" or "area".</param>
    /// <param name="layerScaleInitValue">Above 0, every layer scales its attention and feed-forward outputs per channel by learned factors starting at this value (CaiT's layer scale); 0 for none, keeping the plain layers' keys.</param>
    /// <param name="preNorm">Normalise the tokens before the first layer (<c>pre_norm</c>, as CLIP does); the patch projection then has no bias.</param>
    /// <param name="initCfg">The weight initializers; null is none beyond mmpretrain's own: the position embedding from N(0, 0.02²) truncated to [-2, 2] (skipped with Pretrained), and Xavier-uniform feed-forward weights with N(0, 1e-6²) biases.</param>
    /// <param name="embedDims">mmpretrain's arch dict: the channels of each token, replacing the arch's.</param>
    /// <param name="numLayers">mmpretrain's arch dict: the encoder layers, replacing the arch's.</param>
    /// <param name="numHeads">mmpretrain's arch dict: the attention heads, replacing the arch's; embed_dims must be a multiple.</param>
    /// <param name="feedforwardChannels">mmpretrain's arch dict: the feed-forward networks' hidden channels, replacing the arch's.</param>
    public VisionTransformer(
        [OneOf("s", "small", "b", "base", "l", "large", "deit-t", "deit-tiny", "deit-s", "deit-small", "deit-b", "deit-base")] string arch = "base",
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
        bool withClsToken = true,
        [ValueRange(Minimum = -1)] int frozenStages = -1,
        [OneOf("bicubic", "bilinear", "nearest", "area")] string interpolateMode = "bicubic",
        [ValueRange(Minimum = 0)] double layerScaleInitValue = 0,
        bool preNorm = false,
        Initializer[]? initCfg = null,
        [ValueRange(Minimum = 1)] int? embedDims = null,
        [ValueRange(Minimum = 1)] int? numLayers = null,
        [ValueRange(Minimum = 1)] int? numHeads = null,
        [ValueRange(Minimum = 1)] int? feedforwardChannels = null)
        : this(withClsToken ? 1 : 0, arch, imgSize, patchSize, inChannels, outIndices, dropRate, dropPathRate, qkvBias, normCfg, finalNorm, outType, withClsToken, frozenStages, interpolateMode, layerScaleInitValue, preNorm, initCfg, embedDims, numLayers, numHeads, feedforwardChannels)
    {
    }

#pragma warning disable CS1573 // The other parameters are documented on the public constructor.
    /// <summary>
    /// Creates a Vision Transformer with more tokens before the patch tokens than the class token, as
    /// mmpretrain's <c>DistilledVisionTransformer</c> puts its distillation token there: the position
    /// embedding gets a row for each. The derived class supplies the tokens (<see cref="ExtraTokens"/>).
    /// The other parameters are the public constructor's, without its defaults.
    /// </summary>
    /// <param name="numExtraTokens">Tokens before the patch tokens: 1 for the class token alone, 0 without it, more with a derived class's own.</param>
    protected VisionTransformer(
        int numExtraTokens,
        string arch,
        int imgSize,
        int patchSize,
        int inChannels,
        int[]? outIndices,
        double dropRate,
        double dropPathRate,
        bool qkvBias,
        NormLayerBuilder? normCfg,
        bool finalNorm,
        string outType,
        bool withClsToken,
        int frozenStages,
        string interpolateMode,
        double layerScaleInitValue,
        bool preNorm,
        Initializer[]? initCfg,
        int? embedDims,
        int? numLayers,
        int? numHeads,
        int? feedforwardChannels)
#pragma warning restore CS1573
        : base(nameof(VisionTransformer))
    {
        ArgumentNullException.ThrowIfNull(arch);
        if (!ArchSettings.TryGetValue(arch.ToLowerInvariant(), out var settings))
        {
            throw new ConfigValueException("arch", arch, $"one of {string.Join(", ", ArchSettings.Keys.Select(name => $"\"{name}\""))}");
        }

        Require("img_size", imgSize, imgSize >= 1, ">= 1");
        Require("patch_size", patchSize, patchSize >= 1, ">= 1");
        Require("in_channels", inChannels, inChannels >= 1, ">= 1");
        Require("drop_rate", dropRate, dropRate is >= 0 and < 1, ">= 0 and < 1");
        Require("drop_path_rate", dropPathRate, dropPathRate is >= 0 and < 1, ">= 0 and < 1");
        Require("out_type", outType, OutTypes.Contains(outType), "one of \"cls_token\", \"featmap\", \"avg_featmap\", \"raw\"");
        Require("with_cls_token", withClsToken, withClsToken || outType != "cls_token", "true with out_type \"cls_token\"");
        Require("interpolate_mode", interpolateMode, PositionEmbedding.Modes.Contains(interpolateMode), "one of \"bicubic\", \"bilinear\", \"nearest\", \"area\"");
        Require("layer_scale_init_value", layerScaleInitValue, layerScaleInitValue >= 0, ">= 0");
        ArgumentOutOfRangeException.ThrowIfLessThan(numExtraTokens, withClsToken ? 1 : 0);
        EmbedDims = embedDims ?? settings.EmbedDims;
        NumLayers = numLayers ?? settings.NumLayers;
        NumHeads = numHeads ?? settings.NumHeads;
        FeedforwardChannels = feedforwardChannels ?? settings.FeedforwardChannels;
        Require("embed_dims", EmbedDims, EmbedDims >= 1, ">= 1");
        Require("num_layers", NumLayers, NumLayers >= 1, ">= 1");
        Require("num_heads", NumHeads, NumHeads >= 1 && EmbedDims % NumHeads == 0, $">= 1 and a divisor of embed_dims ({EmbedDims})");
        Require("feedforward_channels", FeedforwardChannels, FeedforwardChannels >= 1, ">= 1");
        Require("frozen_stages", frozenStages, frozenStages >= -1 && frozenStages <= NumLayers, $"between -1 and num_layers ({NumLayers})");
        this.outIndices = StageIndices.Check([.. (outIndices ?? [-1]).Select(index => index < 0 ? NumLayers + index : index)], NumLayers, "num_layers");

        Arch = arch;
        OutType = outType;
        InterpolateMode = interpolateMode;
        InitCfg = initCfg ?? [];
        this.frozenStages = frozenStages;
        this.numExtraTokens = numExtraTokens;
        LayerScaleInitValue = layerScaleInitValue;
        var norm = normCfg ?? new LayerNormalization(eps: 1e-6);

        InChannels = inChannels;
        patch_embed = new PatchEmbed(inChannels, EmbedDims, kernelSize: patchSize, stride: patchSize, bias: !preNorm);
        PatchResolution = patch_embed.OutputSize(imgSize, imgSize);
        cls_token = withClsToken ? new Parameter(torch.zeros(1, 1, EmbedDims)) : null;
        pos_embed = new Parameter(torch.zeros(1, (PatchResolution.Height * PatchResolution.Width) + numExtraTokens, EmbedDims));
        drop_after_pos = nn.Dropout(dropRate);
        pre_norm = preNorm ? norm.Create(EmbedDims) : nn.Identity();

        var encoderLayers = new TransformerEncoderLayer[NumLayers];
        for (var i = 0; i < NumLayers; i++)
        {
            // np.linspace(0, drop_path_rate, num_layers): from 0 at the first layer to the rate at the last.
            var rate = NumLayers == 1 ? 0 : dropPathRate * i / (NumLayers - 1);
            encoderLayers[i] = new TransformerEncoderLayer(EmbedDims, NumHeads, FeedforwardChannels, dropRate, dropPathRate: rate, qkvBias: qkvBias, norm: norm, layerScaleInitValue: layerScaleInitValue);
        }

        layers = nn.ModuleList(encoderLayers);
        ln1 = finalNorm ? norm.Create(EmbedDims) : null;
        ln2 = outType == "avg_featmap" ? norm.Create(EmbedDims) : null;
        featureInfo = [.. Enumerable.Range(0, NumLayers).Select(i => new FeatureInfo(EmbedDims, patchSize, $"layers.{i}"))];
        RegisterComponents();
        FreezeStages();
    }

    /// <summary>The arch name as configured (its values may be replaced by the arch dict's members).</summary>
    public string Arch { get; }

    /// <summary>Channels of each token.</summary>
    public int EmbedDims { get; }

    /// <summary>How many encoder layers there are.</summary>
    public int NumLayers { get; }

    /// <summary>Attention heads per layer.</summary>
    public int NumHeads { get; }

    /// <summary>Hidden channels of each feed-forward network.</summary>
    public int FeedforwardChannels { get; }

    /// <summary>What each output holds: "cls_token", "featmap", "avg_featmap" or "raw".</summary>
    public string OutType { get; }

    /// <summary>How the position embedding is resized.</summary>
    public string InterpolateMode { get; }

    /// <summary>The start value of each layer's per-channel scales; 0 when the layers have none.</summary>
    public double LayerScaleInitValue { get; }

    /// <summary>How many tokens come before the patch tokens (and have their own position embedding rows).</summary>
    public int NumExtraTokens => numExtraTokens;

    /// <summary>The patch grid (rows, columns) of img_size, which the position embedding is made for.</summary>
    public (long Height, long Width) PatchResolution { get; }

    /// <summary>The encoder layers, layers.0 first.</summary>
    public IReadOnlyList<TransformerEncoderLayer> Layers => [.. layers];

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <inheritdoc />
    public int InChannels { get; }

    /// <summary>
    /// One entry per encoder layer (layers.0 ...): embed_dims channels at the patch size's
    /// reduction. With out_type "raw" the channels are the last dimension of (N, 1 + L, C).
    /// </summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var grid = patch_embed.OutputSize(input.shape[2], input.shape[3]);
        var tokens = patch_embed.call(input);
        var extra = ExtraTokens(input.shape[0]);
        if (extra.Count > 0)
        {
            tokens = torch.cat([.. extra, tokens], 1);
        }

        tokens = tokens.add(PositionEmbedding.Resize(pos_embed, PatchResolution, grid, InterpolateMode, numExtraTokens), ScalarConstants.One);
        tokens = pre_norm.call(drop_after_pos.call(tokens));
        var outputs = new List<Tensor>(outIndices.Length);
        for (var i = 0; i < layers.Count; i++)
        {
            tokens = layers[i].call(tokens);
            if (i == layers.Count - 1 && ln1 is not null)
            {
                tokens = ln1.call(tokens);
            }

            if (outIndices.Contains(i))
            {
                outputs.Add(FormatOutput(tokens, grid));
            }
        }

        return [.. outputs.Select(output => output.MoveToOuterDisposeScope())];
    }

    /// <summary>
    /// <c>forward</c> in an ONNX graph at the input's height and width, which must be known when
    /// exporting: the patches, the class token expanded to the batch and put in front, the position
    /// embedding (a constant resized to the exported patch grid when that is not img_size's), the
    /// layers, the final norm and each output as out_type says.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        if (graph.KnownShape(inputs[0]) is not [.., { } height, { } width])
        {
            throw graph.Unsupported("sizes its patch grid and position embedding from the image's height and width, which are not known when exporting");
        }

        OnnxOverrideCheck.RequireExportBeside(graph, this, nameof(ExtraTokens), nameof(ExportExtraTokens));
        OnnxOverrideCheck.RequireExportBeside(graph, this, nameof(ClassTokenOutput), nameof(ExportClassTokenOutput));
        var grid = patch_embed.OutputSize(height, width);
        var tokens = graph.Export(patch_embed, inputs[0]);

        // Each (1, 1, C) token broadcast to (N, 1, C): the batch is the only size not known when exporting.
        var batch = graph.Node("Shape", [inputs[0]], OnnxAttribute.Int("start", 0), OnnxAttribute.Int("end", 1));
        var extra = ExportExtraTokens(graph, graph.Node("Concat", [batch, graph.Int64s(1, 1)], OnnxAttribute.Int("axis", 0)));
        if (extra.Count > 0)
        {
            tokens = graph.Node("Concat", [.. extra, tokens], OnnxAttribute.Int("axis", 1));
        }

        tokens = graph.Node("Add", [tokens, ExportPositionEmbedding(graph, grid)]);
        tokens = graph.Chain(tokens, drop_after_pos, pre_norm);
        var outputs = new List<string>(outIndices.Length);
        for (var i = 0; i < layers.Count; i++)
        {
            tokens = graph.Export(layers[i], tokens);
            if (i == layers.Count - 1 && ln1 is not null)
            {
                tokens = graph.Export(ln1, tokens);
            }

            if (outIndices.Contains(i))
            {
                outputs.Add(ExportOutput(graph, tokens, grid));
            }
        }

        return outputs;
    }

    /// <summary>Sets training or evaluation mode; frozen stages go back to evaluation mode.</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        FreezeStages();
    }

    /// <summary>mmpretrain's layer numbering for layer-wise learning-rate decay (<see cref="LayerDepths.VisionTransformer"/>).</summary>
    public (int LayerId, int LayerCount) GetLayerDepth(string parameterName, string prefix) => LayerDepths.VisionTransformer(parameterName, prefix, NumLayers);

    /// <summary>
    /// mmpretrain's own initialisation after the initializers: the position embedding from
    /// N(0, 0.02²) truncated to [-2, 2], unless a Pretrained initializer loads the weights.
    /// </summary>
    public virtual void OnWeightsInitialized()
    {
        if (InitCfg.Any(initializer => initializer is PretrainedInit))
        {
            return;
        }

        WeightFill.TruncNormal(pos_embed, 0, 0.02, -2, 2);
    }

    /// <summary>
    /// mmpretrain's <c>_prepare_pos_embed</c>: a checkpoint's <c>pos_embed</c> made for another
    /// square grid is resized to this model's (with its interpolate_mode), and one with a class
    /// token's row is cut to fit a model without one.
    /// </summary>
    public void BeforeLoad(IDictionary<string, Tensor> stateDict, string prefix)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var name = prefix + nameof(pos_embed);
        if (!stateDict.TryGetValue(name, out var loaded) || loaded.dim() != 3)
        {
            return;
        }

        if (cls_token is null && loaded.shape[1] == pos_embed.shape[1] + 1)
        {
            loaded = loaded[.., 1..];
        }

        if (loaded.shape[1] != pos_embed.shape[1])
        {
            var side = (long)Math.Sqrt(loaded.shape[1] - numExtraTokens);
            if (side * side == loaded.shape[1] - numExtraTokens)
            {
                loaded = PositionEmbedding.Resize(loaded, (side, side), PatchResolution, InterpolateMode, numExtraTokens);
            }
        }

        stateDict[name] = loaded;
    }

    /// <summary>
    /// The tokens put before the patch tokens, in order, each expanded to (N, 1, C) for a batch of
    /// <paramref name="batch"/>: the class token, when there is one. A derived class with more extra
    /// tokens appends its own, as many as it passed as numExtraTokens.
    /// </summary>
    protected virtual IReadOnlyList<Tensor> ExtraTokens(long batch) =>
        cls_token is null ? [] : [cls_token.expand(batch, -1, -1)];

    /// <summary>The "cls_token" output from the final tokens (N, extra + L, C): here the class token, (N, C).</summary>
    protected virtual Tensor ClassTokenOutput(Tensor tokens) => tokens[.., 0];

    /// <summary>
    /// <see cref="ExtraTokens"/> in an ONNX graph: each token expanded to <paramref name="tokenShape"/>,
    /// a value holding (N, 1, 1). A class that overrides <see cref="ExtraTokens"/> overrides this too
    /// (its export is refused otherwise).
    /// </summary>
    /// <returns>The tokens' values, in order.</returns>
    protected virtual IReadOnlyList<string> ExportExtraTokens(OnnxGraphBuilder graph, string tokenShape)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return cls_token is null ? [] : [ExportExpandedToken(graph, cls_token, nameof(cls_token), tokenShape)];
    }

    /// <summary>
    /// <see cref="ClassTokenOutput"/> in an ONNX graph, on the final tokens (N, extra + L, C). A class
    /// that overrides <see cref="ClassTokenOutput"/> overrides this too (its export is refused otherwise).
    /// </summary>
    /// <returns>The output's value.</returns>
    protected virtual string ExportClassTokenOutput(OnnxGraphBuilder graph, string tokens) => OnnxOperators.Select(graph, tokens, 1, 0);

    /// <summary>The (1, 1, C) <paramref name="token"/>, an initializer named <paramref name="name"/>, expanded to <paramref name="tokenShape"/> (N, 1, 1).</summary>
    /// <returns>The (N, 1, C) value.</returns>
    protected static string ExportExpandedToken(OnnxGraphBuilder graph, Parameter token, string name, string tokenShape)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Node("Expand", [graph.Parameter(token, name), tokenShape]);
    }

    /// <summary>
    /// The embedding parameters frozen with frozen_stages above 0, beside the patch embedding's: the
    /// position embedding and the class token; a derived class adds its own tokens.
    /// </summary>
    protected virtual IEnumerable<Parameter> FrozenEmbeddings() => cls_token is null ? [pos_embed] : [pos_embed, cls_token];

    private static void Require(string member, object value, bool holds, string expected)
    {
        if (!holds)
        {
            throw new ConfigValueException(member, value, expected);
        }
    }

    private Tensor FormatOutput(Tensor tokens, (long Height, long Width) grid)
    {
        if (OutType == "raw")
        {
            return tokens;
        }

        if (OutType == "cls_token")
        {
            return ClassTokenOutput(tokens);
        }

        var patches = tokens[.., numExtraTokens..];
        return OutType == "featmap"
            ? patches.reshape(tokens.shape[0], grid.Height, grid.Width, -1).permute(0, 3, 1, 2)
            : ln2!.call(patches.mean([1L]));
    }

    // The state-dict weight at img_size's grid; at another grid, its resize as forward computes it, a constant.
    private string ExportPositionEmbedding(OnnxGraphBuilder graph, (long Height, long Width) grid)
    {
        if (grid == PatchResolution)
        {
            return graph.Parameter(pos_embed, nameof(pos_embed));
        }

        using var scope = torch.NewDisposeScope();
        graph.Consumed(pos_embed);
        return OnnxOperators.Constant(graph, PositionEmbedding.Resize(pos_embed, PatchResolution, grid, InterpolateMode, numExtraTokens));
    }

    private string ExportOutput(OnnxGraphBuilder graph, string tokens, (long Height, long Width) grid)
    {
        if (OutType == "raw")
        {
            return tokens;
        }

        if (OutType == "cls_token")
        {
            return ExportClassTokenOutput(graph, tokens);
        }

        var patches = numExtraTokens == 0 ? tokens : OnnxOperators.Slice(graph, tokens, 1, numExtraTokens, numExtraTokens + (grid.Height * grid.Width));
        if (OutType == "featmap")
        {
            return OnnxOperators.Transpose(graph, OnnxOperators.Reshape(graph, patches, 0, grid.Height, grid.Width, EmbedDims), 0, 3, 1, 2);
        }

        var mean = graph.Node("ReduceMean", [patches], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));
        return graph.Export(ln2!, mean);
    }

    /// <summary>
    /// Applies frozen_stages: gradients off and evaluation mode for the embeddings and the first
    /// layers. The constructor runs it; a derived class whose <see cref="FrozenEmbeddings"/> adds
    /// parameters runs it again once they exist.
    /// </summary>
    protected void FreezeStages()
    {
        if (frozenStages <= 0)
        {
            return;
        }

        var frozen = new List<nn.Module> { patch_embed, drop_after_pos, pre_norm };
        frozen.AddRange(layers.Take(frozenStages));
        if (frozenStages == layers.Count)
        {
            frozen.AddRange(new[] { ln1, ln2 }.OfType<nn.Module>());
        }

        foreach (var embedding in FrozenEmbeddings())
        {
            embedding.requires_grad = false;
        }

        foreach (var module in frozen)
        {
            module.eval();
            foreach (var parameter in module.parameters())
            {
                parameter.requires_grad = false;
            }
        }
    }
}

/// <summary>The Vision Transformer's size from its config: the patch projection, the position embedding and the encoder layers' weights.</summary>
public partial class VisionTransformerConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters() =>
        Estimate(Arch ?? "base", EmbedDims, NumLayers, FeedforwardChannels, ImgSize, PatchSize, InChannels, extraTokens: 1);

    /// <summary>The estimate of a Vision Transformer with <paramref name="extraTokens"/> tokens before the patches; the arch dict's members replace the arch's values when set.</summary>
    internal static ParameterEstimate Estimate(string arch, int? embedDims, int? numLayers, int? feedforwardChannels, int imgSize, int patchSize, int inChannels, int extraTokens)
    {
        (int EmbedDims, int NumLayers, int FeedforwardChannels)? settings = arch.ToLowerInvariant() switch
        {
            "s" or "small" => (768, 8, 768 * 3),
            "b" or "base" => (768, 12, 3072),
            "l" or "large" => (1024, 24, 4096),
            "deit-t" or "deit-tiny" => (192, 12, 192 * 4),
            "deit-s" or "deit-small" => (384, 12, 384 * 4),
            "deit-b" or "deit-base" => (768, 12, 768 * 4),
            _ => null,
        };
        if (settings is not { } found || patchSize < 1)
        {
            return new ParameterEstimate(0, "arch");
        }

        double width = embedDims ?? found.EmbedDims;
        double depth = numLayers ?? found.NumLayers;
        double hidden = feedforwardChannels ?? found.FeedforwardChannels;
        var grid = Math.Ceiling((double)imgSize / patchSize);
        var embedding = ((double)inChannels * patchSize * patchSize * width) + (((grid * grid) + extraTokens) * width);
        var encoder = depth * ((4 * width * width) + (2 * width * hidden));
        var member = numLayers is not null ? "num_layers" : embedDims is not null ? "embed_dims" : "arch";
        return new ParameterEstimate(embedding + encoder, embedding > encoder ? "img_size" : member);
    }
}
