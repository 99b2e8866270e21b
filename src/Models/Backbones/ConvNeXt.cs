using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// ConvNeXt (Liu et al., "A ConvNet for the 2020s"; with <c>use_grn</c>, ConvNeXt V2), as
/// mmpretrain's <c>ConvNeXt</c>: four downsampling layers (<c>downsample_layers.0</c>, the stem: a
/// patch_size x patch_size conv of that stride and a norm; <c>downsample_layers.1-3</c>: a norm and
/// a 2x2 stride-2 conv) each followed by a stage of <see cref="ConvNeXtBlock"/>s
/// (<c>stages.0-3</c>), and a norm <c>norm{i}</c> for each stage i in <c>out_indices</c>. An image
/// batch (N, in_channels, H, W) in; out, for each stage in <c>out_indices</c>, shallowest first,
/// its map averaged over the positions and normalised, (N, channels[i]), or with
/// <c>gap_before_final_norm</c> false the normalised map (N, channels[i], H / 4 / 2^i, W / 4 / 2^i).
/// </summary>
/// <remarks>
/// mmpretrain also takes <c>arch</c> as a dict of <c>depths</c> and <c>channels</c>; a config
/// member has one type here, so that form is written as the members <c>depths</c> and
/// <c>channels</c>, which replace the arch's when both are set.
/// </remarks>
[RegisterModel]
public partial class ConvNeXt : Backbone, IHasInitConfig, IHasFeatureInfo, ILayerDepth, IOnnxExportable
{
    // Shared with the config's parameter estimate.
    internal static readonly IReadOnlyDictionary<string, (int[] Depths, int[] Channels)> ArchSettings = new Dictionary<string, (int[], int[])>(StringComparer.Ordinal)
    {
        ["atto"] = ([2, 2, 6, 2], [40, 80, 160, 320]),
        ["femto"] = ([2, 2, 6, 2], [48, 96, 192, 384]),
        ["pico"] = ([2, 2, 6, 2], [64, 128, 256, 512]),
        ["nano"] = ([2, 2, 8, 2], [80, 160, 320, 640]),
        ["tiny"] = ([3, 3, 9, 3], [96, 192, 384, 768]),
        ["small"] = ([3, 3, 27, 3], [96, 192, 384, 768]),
        ["base"] = ([3, 3, 27, 3], [128, 256, 512, 1024]),
        ["large"] = ([3, 3, 27, 3], [192, 384, 768, 1536]),
        ["xlarge"] = ([3, 3, 27, 3], [256, 512, 1024, 2048]),
    };

    private const int StageCount = 4;

    // mmpretrain's attribute names, so they are the checkpoint keys; norm0 ... norm3 are
    // registered by hand for the stages in out_indices.
    private readonly ModuleList<Sequential> downsample_layers;
    private readonly ModuleList<Sequential> stages;

    private readonly nn.Module<Tensor, Tensor>?[] norms;
    private readonly int[] depths;
    private readonly int[] channels;
    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly bool gapBeforeFinalNorm;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's ConvNeXt arguments, with its defaults.</summary>
    /// <param name="arch">The size: "atto", "femto", "pico", "nano" (the small ConvNeXt V2 sizes), "tiny", "small", "base", "large" or "xlarge".</param>
    /// <param name="depths">With <paramref name="channels"/>, mmpretrain's dict form of arch: the blocks of each of the four stages, replacing the arch's.</param>
    /// <param name="channels">With <paramref name="depths"/>: the channels of each of the four stages, replacing the arch's.</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="stemPatchSize">Kernel size and stride of the stem's conv.</param>
    /// <param name="normCfg">The norms; null is LN2d with eps 1e-6.</param>
    /// <param name="actCfg">The activation between the pointwise convs; null is GELU.</param>
    /// <param name="linearPwConv">Pointwise convs as Linear layers (weights (out, in)) rather than 1x1 convs (weights (out, in, 1, 1)).</param>
    /// <param name="useGrn">Add ConvNeXt V2's global response normalization to every block (ConvNeXt V2 also sets layer_scale_init_value to 0).</param>
    /// <param name="dropPathRate">Stochastic depth rate of the last block; the rates rise linearly from 0 at the first block.</param>
    /// <param name="layerScaleInitValue">Initial value of the blocks' layer scale; 0 leaves the layer scale out.</param>
    /// <param name="outIndices">The stages (0 ... 3; -4 ... -1 count from the last) whose outputs are returned.</param>
    /// <param name="frozenStages">Stages whose downsampling layer and blocks are not trained and stay in evaluation mode: k freezes stages 0 ... k - 1; 0 freezes nothing.</param>
    /// <param name="gapBeforeFinalNorm">Average each output over its positions before its norm, giving (N, C) vectors; false gives normalised maps.</param>
    /// <param name="withCp">mmpretrain's activation checkpointing, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default: truncated normal (std 0.02, bias 0) on Conv2d and Linear, weight 1 and bias 0 on layer norms.</param>
    public ConvNeXt(
        [OneOf("atto", "femto", "pico", "nano", "tiny", "small", "base", "large", "xlarge")] string arch = "tiny",
        [ValueRange(Minimum = 1)] int[]? depths = null,
        [ValueRange(Minimum = 1)] int[]? channels = null,
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [ValueRange(Minimum = 1)] int stemPatchSize = 4,
        NormLayerBuilder? normCfg = null,
        ActivationBuilder? actCfg = null,
        bool linearPwConv = true,
        bool useGrn = false,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropPathRate = 0.0,
        [ValueRange(Minimum = 0)] double layerScaleInitValue = 1e-6,
        [DefaultItems(-1)][ValueRange(-4, 3)] int[]? outIndices = null,
        [ValueRange(0, 4)] int frozenStages = 0,
        bool gapBeforeFinalNorm = true,
        bool withCp = false,
        Initializer[]? initCfg = null)
        : base(nameof(ConvNeXt))
    {
        if (!ArchSettings.TryGetValue(arch, out var settings))
        {
            throw new ConfigValueException("arch", arch, $"one of {string.Join(", ", ArchSettings.Keys.Select(name => $"\"{name}\""))}");
        }

        if ((depths is null) != (channels is null))
        {
            throw new ConfigValueException(depths is null ? "depths" : "channels", null, "set together with " + (depths is null ? "channels" : "depths") + ", as mmpretrain's arch dict has both");
        }

        this.depths = depths ?? settings.Depths;
        this.channels = channels ?? settings.Channels;
        RequireFourStages("depths", this.depths);
        RequireFourStages("channels", this.channels);
        if (this.depths.Concat(this.channels).Any(value => value < 1))
        {
            var member = this.depths.Any(depth => depth < 1) ? "depths" : "channels";
            throw new ConfigValueException(member, member == "depths" ? this.depths : this.channels, "positive items");
        }

        if (dropPathRate is < 0 or >= 1 || double.IsNaN(dropPathRate))
        {
            throw new ConfigValueException("drop_path_rate", dropPathRate, ">= 0 and < 1");
        }

        if (frozenStages is < 0 or > StageCount)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, "between 0 and 4");
        }

        // mmpretrain counts negative indices from the fourth stage.
        var given = outIndices ?? [-1];
        for (var position = 0; position < given.Length; position++)
        {
            if (given[position] < -StageCount)
            {
                throw new ConfigValueException($"out_indices[{position}]", given[position], "between -4 and 3");
            }
        }

        this.outIndices = StageIndices.Check([.. given.Select(index => index < 0 ? StageCount + index : index)], StageCount, "the stage count");
        Arch = arch;
        UseGrn = useGrn;
        LinearPwConv = linearPwConv;
        WithCp = withCp;
        InitCfg = initCfg ?? DefaultInitCfg.ConvNeXt();
        this.frozenStages = frozenStages;
        this.gapBeforeFinalNorm = gapBeforeFinalNorm;

        InChannels = inChannels;
        var norm = normCfg ?? new LayerNorm2dNormalization(eps: 1e-6);
        var activation = actCfg ?? new GeluActivation();
        var rates = DropPathRates(dropPathRate, this.depths.Sum());
        downsample_layers = new ModuleList<Sequential>();
        stages = new ModuleList<Sequential>();
        norms = new nn.Module<Tensor, Tensor>?[StageCount];
        featureInfo = new FeatureInfo[StageCount];
        var block = 0;
        for (var stage = 0; stage < StageCount; stage++)
        {
            var width = this.channels[stage];
            downsample_layers.Add(stage == 0
                ? nn.Sequential(nn.Conv2d(inChannels, width, stemPatchSize, stride: stemPatchSize), norm.Create(width))
                : nn.Sequential(norm.Create(this.channels[stage - 1]), nn.Conv2d(this.channels[stage - 1], width, 2, stride: 2)));
            var blocks = new List<nn.Module<Tensor, Tensor>>(this.depths[stage]);
            for (var index = 0; index < this.depths[stage]; index++)
            {
                blocks.Add(new ConvNeXtBlock(width, norm, activation, linearPwConv: linearPwConv, dropPathRate: rates[block++], layerScaleInitValue: layerScaleInitValue, useGrn: useGrn));
            }

            stages.Add(nn.Sequential(blocks));
            featureInfo[stage] = new FeatureInfo(width, stemPatchSize << stage, $"stages.{stage}");
        }

        RegisterComponents();
        foreach (var stage in this.outIndices)
        {
            norms[stage] = norm.Create(this.channels[stage]);
            register_module($"norm{stage}", norms[stage]!);
        }

        FreezeStages();
    }

    /// <summary>The arch name (its depths and channels may be replaced by the depths and channels members).</summary>
    public string Arch { get; }

    /// <summary>The blocks of each stage.</summary>
    public IReadOnlyList<int> Depths => depths;

    /// <summary>The channels of each stage.</summary>
    public IReadOnlyList<int> Channels => channels;

    /// <summary>Whether the blocks' pointwise convs are Linear layers.</summary>
    public bool LinearPwConv { get; }

    /// <summary>Whether the blocks have global response normalization (ConvNeXt V2).</summary>
    public bool UseGrn { get; }

    /// <summary>The with_cp setting, which has no effect here.</summary>
    public bool WithCp { get; }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <inheritdoc />
    public int InChannels { get; }

    /// <summary>One entry per stage: stages.0 ... stages.3, at strides 4, 8, 16, 32 (for the default stem).</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <summary>mmpretrain's layer numbering of ConvNeXt for layer-wise learning-rate decay (<see cref="LayerDepths.ConvNeXt"/>).</summary>
    public (int LayerId, int LayerCount) GetLayerDepth(string parameterName, string prefix) => LayerDepths.ConvNeXt(parameterName, prefix, depths);

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var outputs = new List<Tensor>(outIndices.Length);
        var features = input;
        for (var stage = 0; stage < StageCount; stage++)
        {
            features = stages[stage].call(downsample_layers[stage].call(features));
            if (norms[stage] is { } norm)
            {
                outputs.Add(gapBeforeFinalNorm
                    ? norm.call(features.mean([-2L, -1L], keepdim: true)).flatten(1)
                    : norm.call(features));
            }
        }

        return [.. outputs.Select(output => output.MoveToOuterDisposeScope())];
    }

    /// <summary>
    /// Each downsampling layer and stage in turn; for the stages in out_indices, the norm on the map
    /// or, with gap_before_final_norm, on its mean over the positions (ReduceMean keeping the axes,
    /// the norm, Flatten), as <c>forward</c>.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var outputs = new List<string>(outIndices.Length);
        var features = inputs[0];
        for (var stage = 0; stage < StageCount; stage++)
        {
            features = graph.Chain(features, downsample_layers[stage], stages[stage]);
            if (norms[stage] is not { } norm)
            {
                continue;
            }

            if (!gapBeforeFinalNorm)
            {
                outputs.Add(graph.Export(norm, features));
                continue;
            }

            var pooled = graph.Node("ReduceMean", [features], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 1));
            outputs.Add(graph.Node("Flatten", [graph.Export(norm, pooled)], OnnxAttribute.Int("axis", 1)));
        }

        return outputs;
    }

    /// <summary>Sets training or evaluation mode; frozen stages go back to evaluation mode.</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        FreezeStages();
    }

    // torch.linspace(0, rate, blocks), as mmpretrain spreads the rates.
    private static double[] DropPathRates(double rate, int blocks) =>
        blocks == 1 ? [0.0] : [.. Enumerable.Range(0, blocks).Select(block => rate * block / (blocks - 1))];

    private static void RequireFourStages(string member, int[] values)
    {
        if (values.Length != StageCount)
        {
            throw new ConfigValueException(member, values, "4 items, one per stage");
        }
    }

    private void FreezeStages()
    {
        for (var stage = 0; stage < frozenStages; stage++)
        {
            foreach (var module in new nn.Module[] { downsample_layers[stage], stages[stage] })
            {
                module.eval();
                foreach (var parameter in module.parameters())
                {
                    parameter.requires_grad = false;
                }
            }
        }
    }
}

/// <summary>ConvNeXt's size from its config: convolution and linear weights only (norms, biases and layer scales add under 1 %).</summary>
public partial class ConvNeXtConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters()
    {
        (int[] Depths, int[] Channels)? settings = Depths is not null && Channels is not null ? (Depths, Channels)
            : Arch is not null && ConvNeXt.ArchSettings.TryGetValue(Arch, out var named) ? named : null;
        if (settings is not { } arch || arch.Depths.Length != arch.Channels.Length)
        {
            return new ParameterEstimate(0, "arch");
        }

        // Each block: the 7x7 depthwise conv and the two pointwise layers of 4 x the channels.
        double total = (double)StemPatchSize * StemPatchSize * InChannels * arch.Channels[0];
        for (var stage = 0; stage < arch.Depths.Length; stage++)
        {
            double width = arch.Channels[stage];
            total += arch.Depths[stage] * ((49 * width) + (8 * width * width));
            if (stage > 0)
            {
                total += 4.0 * arch.Channels[stage - 1] * width;
            }
        }

        return new ParameterEstimate(total, Depths is not null ? "channels" : "arch");
    }
}
