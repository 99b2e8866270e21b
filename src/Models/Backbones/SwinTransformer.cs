using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// Swin Transformer (Liu et al., "Swin Transformer: Hierarchical Vision Transformer using Shifted
/// Windows"), as mmpretrain's <c>SwinTransformer</c>: a patch embedding (<c>patch_embed</c>, a
/// patch_size-strided conv and LN), then stages (<c>stages.0</c> ...) of window-attention blocks,
/// each stage but the last ending in patch merging (half the map, twice the channels), and a
/// layer norm (<c>norm{i}</c>) on the output of each stage in <c>out_indices</c>. An image batch
/// (N, in_channels, H, W) in; out, the feature map (N, C_i, H_i, W_i) of each stage in
/// out_indices, shallowest first: embed_dims * 2^i channels at stride patch_size * 2^i.
/// </summary>
/// <remarks>
/// A custom arch is given as <c>embed_dims</c>, <c>depths</c> and <c>num_heads</c>, all three, in
/// place of mmpretrain's dict-valued <c>arch</c>. <c>stage_cfgs</c> and <c>patch_cfg</c> (free-form
/// overrides of the stages' and the embedding's arguments) are not taken.
/// </remarks>
[RegisterModel]
public partial class SwinTransformer : Backbone, IHasInitConfig, IHasFeatureInfo, ILayerDepth, IOnnxExportable
{
    // embed_dims, blocks per stage, heads per stage: mmpretrain's arch_zoo.
    private static readonly IReadOnlyDictionary<string, (int EmbedDims, int[] Depths, int[] NumHeads)> ArchSettings =
        new Dictionary<string, (int, int[], int[])>
        {
            ["tiny"] = (96, [2, 2, 6, 2], [3, 6, 12, 24]),
            ["small"] = (96, [2, 2, 18, 2], [3, 6, 12, 24]),
            ["base"] = (128, [2, 2, 18, 2], [4, 8, 16, 32]),
            ["large"] = (192, [2, 2, 18, 2], [6, 12, 24, 48]),
        };

    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly PatchEmbed patch_embed;
    private readonly Parameter? absolute_pos_embed;
    private readonly nn.Module<Tensor, Tensor> drop_after_pos;
    private readonly ModuleList<SwinBlockSequence> stages;

    // norm{i} for each out index, registered by hand.
    private readonly Dictionary<int, nn.Module<Tensor, Tensor>> outNorms = [];
    private readonly int[] depths;
    private readonly int[] outIndices;
    private readonly int[] numFeatures;
    private readonly int frozenStages;
    private readonly bool normEval;
    private readonly bool outAfterDownsample;
    private readonly (long Height, long Width) patchResolution;
    private readonly string interpolateMode;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's SwinTransformer arguments, with its defaults.</summary>
    /// <param name="arch">"tiny", "small", "base" or "large": embed_dims, depths and num_heads from mmpretrain's table; ignored when those three are given.</param>
    /// <param name="embedDims">A custom arch's channels after the patch embedding; with <paramref name="depths"/> and <paramref name="numHeads"/>.</param>
    /// <param name="depths">A custom arch's blocks per stage.</param>
    /// <param name="numHeads">A custom arch's attention heads per stage; stage i's heads divide embed_dims * 2^i.</param>
    /// <param name="imgSize">The usual input side, which sizes the absolute position embedding; other sizes run too.</param>
    /// <param name="patchSize">Side of each patch: the embedding's kernel and stride.</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="windowSize">Side of the attention windows.</param>
    /// <param name="dropRate">Dropout after the embedding.</param>
    /// <param name="dropPathRate">Drop path probability of the last block; the blocks' rates rise linearly from 0 to it.</param>
    /// <param name="outIndices">The stages (from 0) whose normalised outputs are returned.</param>
    /// <param name="outAfterDownsample">Take each stage's output after its patch merging instead of before.</param>
    /// <param name="useAbsPosEmbed">Add a learned absolute position embedding to the patches, resized to the input's patch grid.</param>
    /// <param name="interpolateMode">How the absolute position embedding is resized: "bicubic" or "bilinear".</param>
    /// <param name="withCp">mmpretrain's activation checkpointing, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="frozenStages">0 freezes the patch embedding and stage 0, k stages 0 ... k too (and the output norms of those stages), all in evaluation mode; -1 freezes nothing.</param>
    /// <param name="normEval">Keep every batch norm in evaluation mode while training (Swin has none unless norm_cfg brings one).</param>
    /// <param name="padSmallMap">Pad maps smaller than a window, and shift maps of exactly one window (detection's choice); otherwise the first are refused and the second not shifted (classification's).</param>
    /// <param name="normCfg">The output norms; null for LN.</param>
    /// <param name="initCfg">The weight initializers; null keeps the layers' own (mmpretrain's default).</param>
    public SwinTransformer(
        [OneOf("tiny", "small", "base", "large")] string arch = "tiny",
        [ValueRange(Minimum = 1)] int? embedDims = null,
        [ValueRange(Minimum = 1)] int[]? depths = null,
        [ValueRange(Minimum = 1)] int[]? numHeads = null,
        [ValueRange(Minimum = 1)] int imgSize = 224,
        [ValueRange(Minimum = 1)] int patchSize = 4,
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [ValueRange(Minimum = 1)] int windowSize = 7,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropRate = 0,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropPathRate = 0.1,
        [DefaultItems(3)][ValueRange(Minimum = 0)] int[]? outIndices = null,
        bool outAfterDownsample = false,
        bool useAbsPosEmbed = false,
        [OneOf("bicubic", "bilinear")] string interpolateMode = "bicubic",
        bool withCp = false,
        [ValueRange(Minimum = -1)] int frozenStages = -1,
        bool normEval = false,
        bool padSmallMap = false,
        NormLayerBuilder? normCfg = null,
        Initializer[]? initCfg = null)
        : base(nameof(SwinTransformer))
    {
        (EmbedDims, this.depths, NumHeads) = ResolveArch(arch, embedDims, depths, numHeads);
        var stageCount = this.depths.Length;
        this.outIndices = StageIndices.Check(outIndices ?? [3], stageCount, "the stage count");
        if (frozenStages < -1 || frozenStages >= stageCount)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, $"between -1 and {stageCount - 1} (the last stage)");
        }

        if (dropPathRate is < 0 or >= 1 || double.IsNaN(dropPathRate))
        {
            throw new ConfigValueException("drop_path_rate", dropPathRate, ">= 0 and < 1");
        }

        if (interpolateMode is not ("bicubic" or "bilinear"))
        {
            throw new ConfigValueException("interpolate_mode", interpolateMode, "one of \"bicubic\", \"bilinear\"");
        }

        WindowSize = windowSize;
        WithCp = withCp;
        InitCfg = initCfg ?? [];
        this.frozenStages = frozenStages;
        this.normEval = normEval;
        this.outAfterDownsample = outAfterDownsample;
        this.interpolateMode = interpolateMode;

        InChannels = inChannels;
        patch_embed = new PatchEmbed(inChannels, EmbedDims, patchSize, norm: new LayerNormalization());
        patchResolution = patch_embed.OutputSize(imgSize, imgSize);
        if (useAbsPosEmbed)
        {
            absolute_pos_embed = new Parameter(torch.zeros(1, patchResolution.Height * patchResolution.Width, EmbedDims));
            using var noGrad = torch.no_grad();
            nn.init.trunc_normal_(absolute_pos_embed, std: 0.02);
        }

        drop_after_pos = nn.Dropout(dropRate);

        // Stochastic depth rises linearly over all blocks, as torch.linspace(0, rate, total).
        var total = this.depths.Sum();
        var rates = Enumerable.Range(0, total).Select(block => total == 1 ? 0 : dropPathRate * block / (total - 1)).ToArray();
        var stageList = new List<SwinBlockSequence>(stageCount);
        var channels = new List<int> { EmbedDims };
        for (var stage = 0; stage < stageCount; stage++)
        {
            var first = this.depths.Take(stage).Sum();
            var sequence = new SwinBlockSequence(channels[^1], this.depths[stage], NumHeads[stage], windowSize, downsample: stage < stageCount - 1, rates[first..(first + this.depths[stage])], padSmallMap);
            stageList.Add(sequence);
            channels.Add(sequence.OutChannels);
        }

        stages = new ModuleList<SwinBlockSequence>([.. stageList]);
        numFeatures = outAfterDownsample ? [.. channels.Skip(1)] : [.. channels.Take(stageCount)];
        featureInfo = new FeatureInfo[stageCount];
        for (var stage = 0; stage < stageCount; stage++)
        {
            var merged = outAfterDownsample && stage < stageCount - 1 ? stage + 1 : stage;
            featureInfo[stage] = new FeatureInfo(numFeatures[stage], patchSize << merged, $"stages.{stage}");
        }

        RegisterComponents();
        var norm = normCfg ?? new LayerNormalization();
        foreach (var index in this.outIndices)
        {
            outNorms[index] = norm.Create(numFeatures[index]);
            register_module($"norm{index}", outNorms[index]);
        }

        FreezeStages();
    }

    /// <summary>Channels after the patch embedding.</summary>
    public int EmbedDims { get; }

    /// <summary>Blocks per stage.</summary>
    public IReadOnlyList<int> Depths => depths;

    /// <summary>Attention heads per stage.</summary>
    public IReadOnlyList<int> NumHeads { get; }

    /// <summary>Side of the attention windows.</summary>
    public int WindowSize { get; }

    /// <summary>The with_cp setting, which has no effect here.</summary>
    public bool WithCp { get; }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <inheritdoc />
    public int InChannels { get; }

    /// <summary>One entry per stage.</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var tokens = patch_embed.call(input);
        var (height, width) = patch_embed.OutputSize(input.shape[^2], input.shape[^1]);
        if (absolute_pos_embed is not null)
        {
            tokens = tokens.add(ResizedPositionEmbedding(height, width), ScalarConstants.One);
        }

        tokens = drop_after_pos.call(tokens);
        var outputs = new List<Tensor>(outIndices.Length);
        for (var stage = 0; stage < stages.Count; stage++)
        {
            var sequence = stages[stage];
            tokens = sequence.ForwardBlocks(tokens, height, width);
            if (outAfterDownsample && sequence.Downsample is not null)
            {
                (tokens, height, width) = sequence.Downsample.Forward(tokens, height, width);
            }

            if (outNorms.TryGetValue(stage, out var norm))
            {
                outputs.Add(norm.call(tokens).view(-1, height, width, numFeatures[stage]).permute(0, 3, 1, 2).contiguous());
            }

            if (!outAfterDownsample && sequence.Downsample is not null)
            {
                (tokens, height, width) = sequence.Downsample.Forward(tokens, height, width);
            }
        }

        return [.. outputs.Select(output => output.MoveToOuterDisposeScope())];
    }

    /// <summary>
    /// <c>forward</c> in an ONNX graph at the input's height and width, which must be known when
    /// exporting: every stage's map size, padding, window mask and the resized absolute position
    /// embedding are then fixed and go into the graph as constants.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        if (graph.KnownShape(inputs[0]) is not [.., { } imageHeight, { } imageWidth])
        {
            throw graph.Unsupported("sizes its windows, padding and masks from the image's height and width, which are not known when exporting");
        }

        var tokens = graph.Export(patch_embed, inputs[0]);
        var (height, width) = patch_embed.OutputSize(imageHeight, imageWidth);
        if (absolute_pos_embed is not null)
        {
            tokens = graph.Node("Add", [tokens, ExportPositionEmbedding(graph, height, width)]);
        }

        tokens = graph.Export(drop_after_pos, tokens);
        var outputs = new List<string>(outIndices.Length);
        for (var stage = 0; stage < stages.Count; stage++)
        {
            var sequence = stages[stage];
            tokens = graph.ExportWithin(sequence, () => sequence.ExportOnnxBlocks(graph, tokens, height, width));
            if (outAfterDownsample && sequence.Downsample is { } merging)
            {
                (tokens, height, width) = graph.ExportWithin(merging, () => merging.ExportOnnx(graph, tokens, height, width));
            }

            if (outNorms.TryGetValue(stage, out var norm))
            {
                var map = OnnxOperators.Reshape(graph, graph.Export(norm, tokens), -1, height, width, numFeatures[stage]);
                outputs.Add(OnnxOperators.Transpose(graph, map, 0, 3, 1, 2));
            }

            if (!outAfterDownsample && sequence.Downsample is { } downsample)
            {
                (tokens, height, width) = graph.ExportWithin(downsample, () => downsample.ExportOnnx(graph, tokens, height, width));
            }
        }

        return outputs;
    }

    /// <inheritdoc />
    public (int LayerId, int LayerCount) GetLayerDepth(string parameterName, string prefix) =>
        LayerDepths.SwinTransformer(parameterName, prefix, depths);

    /// <summary>
    /// Sets training or evaluation mode; frozen stages go back to evaluation mode, and with
    /// <c>norm_eval</c> every batch norm does too.
    /// </summary>
    public override void train(bool train = true)
    {
        base.train(train);
        FreezeStages();
        if (train && normEval)
        {
            BackboneStages.EvalBatchNorms(this);
        }
    }

    private static (int EmbedDims, int[] Depths, int[] NumHeads) ResolveArch(string arch, int? embedDims, int[]? depths, int[]? numHeads)
    {
        if (embedDims is null && depths is null && numHeads is null)
        {
            return ArchSettings.TryGetValue(arch, out var settings)
                ? (settings.EmbedDims, settings.Depths, settings.NumHeads)
                : throw new ConfigValueException("arch", arch, "one of \"tiny\", \"small\", \"base\", \"large\"");
        }

        if (embedDims is not { } dims || depths is null || numHeads is null)
        {
            var missing = embedDims is null ? "embed_dims" : depths is null ? "depths" : "num_heads";
            throw new ConfigValueException(missing, null, "set, since a custom arch takes embed_dims, depths and num_heads together");
        }

        if (depths.Length == 0 || numHeads.Length != depths.Length)
        {
            throw new ConfigValueException("num_heads", numHeads, $"one head count per stage ({depths.Length} stages in depths)");
        }

        for (var stage = 0; stage < depths.Length; stage++)
        {
            if (numHeads[stage] < 1 || ((dims << stage) % numHeads[stage]) != 0)
            {
                throw new ConfigValueException($"num_heads[{stage}]", numHeads[stage], $"a divisor of stage {stage}'s {dims << stage} channels");
            }
        }

        return (dims, [.. depths], [.. numHeads]);
    }

    // mmpretrain's resize_pos_embed: the embedding as a (1, C, h, w) map, interpolated to the
    // input's patch grid without corner alignment.
    private Tensor ResizedPositionEmbedding(long height, long width)
    {
        if (height == patchResolution.Height && width == patchResolution.Width)
        {
            return absolute_pos_embed!;
        }

        var mode = interpolateMode == "bilinear" ? InterpolationMode.Bilinear : InterpolationMode.Bicubic;
        var map = absolute_pos_embed!.reshape(1, patchResolution.Height, patchResolution.Width, EmbedDims).permute(0, 3, 1, 2);
        return nn.functional.interpolate(map, [height, width], mode: mode, align_corners: false).flatten(2).transpose(1, 2);
    }

    // The state-dict weight at img_size's grid; at another grid, its resize as forward computes it, a constant.
    private string ExportPositionEmbedding(OnnxGraphBuilder graph, long height, long width)
    {
        if (height == patchResolution.Height && width == patchResolution.Width)
        {
            return graph.Parameter(absolute_pos_embed!, nameof(absolute_pos_embed));
        }

        using var scope = torch.NewDisposeScope();
        graph.Consumed(absolute_pos_embed);
        return OnnxOperators.Constant(graph, ResizedPositionEmbedding(height, width));
    }

    private void FreezeStages()
    {
        if (frozenStages < 0)
        {
            return;
        }

        // As in mmpretrain, the frozen range includes stage frozen_stages itself, and the output
        // norms of frozen stages stop learning without being put in evaluation mode.
        IEnumerable<nn.Module> frozen = [patch_embed, .. stages.Take(frozenStages + 1)];
        foreach (var module in frozen)
        {
            module.eval();
        }

        foreach (var module in frozen.Concat(outNorms.Where(pair => pair.Key <= frozenStages).Select(pair => pair.Value)))
        {
            foreach (var parameter in module.parameters())
            {
                parameter.requires_grad = false;
            }
        }
    }
}
