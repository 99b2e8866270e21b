using ImageClassifier.Onnx;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// RegNet (Radosavovic et al., "Designing Network Design Spaces"), as mmpretrain's <c>RegNet</c>:
/// a ResNet whose stem is one 3x3 stride-2 conv (<c>conv1</c>, <c>bn1</c>, ReLU; no max pooling)
/// and whose stages (<c>layer1</c> ... <c>layer4</c>) are ResNeXt bottlenecks of expansion 1, with
/// widths, blocks and groups from the arch's rule (<see cref="RegNetArch"/>). An image batch
/// (N, in_channels, H, W) in; out, the feature map of each stage in <c>out_indices</c>, shallowest
/// first, at H / 2^(i + 2) for stage i with the default strides.
/// </summary>
/// <remarks>
/// mmpretrain also takes <c>arch</c> as a dict of <c>w0</c>, <c>wa</c>, <c>wm</c>, <c>depth</c>,
/// <c>group_w</c> and <c>bot_mul</c>; a config member has one type here, so those keys are members:
/// without <c>arch</c> they give the design together, and with it each one that is set replaces the
/// named arch's value. Like mmpretrain's RegNet, the default <c>init_cfg</c> is none (PyTorch's
/// default initialisation, then <c>zero_init_residual</c>), and layer-wise learning-rate decay has
/// no numbering for RegNet's stages (ResNet's <c>get_layer_depth</c> refuses them there too).
/// </remarks>
[RegisterModel]
public partial class RegNet : ResNet
{
    /// <summary>Creates the backbone; the parameters are mmpretrain's RegNet arguments, with its defaults.</summary>
    /// <param name="arch">The design: "regnetx_400mf", "regnetx_800mf", "regnetx_1.6gf", "regnetx_3.2gf", "regnetx_4.0gf", "regnetx_6.4gf", "regnetx_8.0gf" or "regnetx_12gf"; null for a custom design given by the next six members.</param>
    /// <param name="w0">mmpretrain's arch dict: the width of the first block, a multiple of 8; replaces the arch's.</param>
    /// <param name="wa">mmpretrain's arch dict: the slope of the continuous widths per block; replaces the arch's.</param>
    /// <param name="wm">mmpretrain's arch dict: the width ratio between stages, above 1; replaces the arch's.</param>
    /// <param name="depth">mmpretrain's arch dict: the blocks of all stages together; replaces the arch's.</param>
    /// <param name="groupW">mmpretrain's arch dict: the channels per group of the 3x3 convs; replaces the arch's.</param>
    /// <param name="botMul">mmpretrain's arch dict: bottleneck width / output width; replaces the arch's (1 in every RegNetX, and for a custom design when unset).</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="stemChannels">Output channels of the stem.</param>
    /// <param name="baseChannels">Accepted for mmpretrain's configs and unused, as there: the widths come from the arch.</param>
    /// <param name="strides">The stride of the first block of each stage; one item per stage the arch gives.</param>
    /// <param name="dilations">The dilation of each stage; one item per stage.</param>
    /// <param name="outIndices">The stages (from 0) whose outputs are returned.</param>
    /// <param name="style">"pytorch" puts a bottleneck's stride on its 3x3 conv, "caffe" on its first 1x1 conv.</param>
    /// <param name="deepStem">Must stay false: mmpretrain's RegNet has no deep stem.</param>
    /// <param name="avgDown">Downsample shortcuts by average pooling before a stride-1 1x1 conv instead of a strided conv.</param>
    /// <param name="frozenStages">Stages whose parameters are not trained and whose norms stay in evaluation mode: 0 freezes the stem, k the stem and layer1 ... layer k; -1 freezes nothing.</param>
    /// <param name="convCfg">The convolution layers; null is a plain Conv2d.</param>
    /// <param name="normCfg">The norm layers; null is BN (eps 1e-5, momentum 0.1, trained).</param>
    /// <param name="normEval">Keep every batch norm in evaluation mode (running statistics frozen) while training.</param>
    /// <param name="withCp">mmpretrain's activation checkpointing, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="zeroInitResidual">After initialisation, fill the last norm of each block with zeros (weight and bias), so each block starts as the identity. Skipped when a Pretrained initializer loads the weights.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default for RegNet: none, PyTorch's own initialisation.</param>
    public RegNet(
        [OneOf("regnetx_400mf", "regnetx_800mf", "regnetx_1.6gf", "regnetx_3.2gf", "regnetx_4.0gf", "regnetx_6.4gf", "regnetx_8.0gf", "regnetx_12gf")] string? arch = null,
        [ValueRange(Minimum = 8)] int? w0 = null,
        [ValueRange(Minimum = 0)] double? wa = null,
        [ValueRange(Minimum = 1, MinimumExclusive = true)] double? wm = null,
        [ValueRange(Minimum = 1)] int? depth = null,
        [ValueRange(Minimum = 1)] int? groupW = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double? botMul = null,
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [ValueRange(Minimum = 1)] int stemChannels = 32,
        [ValueRange(Minimum = 1)] int baseChannels = 32,
        [DefaultItems(2, 2, 2, 2)][ValueRange(Minimum = 1)] int[]? strides = null,
        [DefaultItems(1, 1, 1, 1)][ValueRange(Minimum = 1)] int[]? dilations = null,
        [DefaultItems(3)][ValueRange(0, 3)] int[]? outIndices = null,
        [OneOf("pytorch", "caffe")] string style = "pytorch",
        bool deepStem = false,
        bool avgDown = false,
        [ValueRange(-1, 4)] int frozenStages = -1,
        ConvLayerBuilder? convCfg = null,
        NormLayerBuilder? normCfg = null,
        bool normEval = false,
        bool withCp = false,
        bool zeroInitResidual = true,
        Initializer[]? initCfg = null)
        : base(
            Plan(arch, w0, wa, wm, depth, groupW, botMul, deepStem, out var design),
            bottleneck: true,
            expansion: 1,
            stageCountName: "the arch's stage count",
            design.Depth,
            inChannels,
            stemChannels,
            strides ?? [2, 2, 2, 2],
            dilations ?? [1, 1, 1, 1],
            outIndices ?? [3],
            style,
            deepStem,
            avgDown,
            frozenStages,
            convCfg,
            normCfg,
            normEval,
            withCp,
            zeroInitResidual,
            initCfg ?? [],
            dropPathRate: 0.0)
    {
        Arch = arch;
        Design = design;
        BaseChannels = baseChannels;
    }

    /// <summary>The arch name as configured; null for a custom design.</summary>
    public string? Arch { get; }

    /// <summary>The design the stages follow: the arch's settings with the members that replace them.</summary>
    public RegNetArch Design { get; }

    /// <summary>The base_channels setting, which has no effect (as in mmpretrain).</summary>
    public int BaseChannels { get; }

    /// <summary>Output channels of each stage, layer1 first (384 for RegNetX-400MF's last).</summary>
    public IReadOnlyList<int> StageWidths => [.. FeatureInfo.Select(stage => stage.Channels)];

    /// <inheritdoc />
    protected override int StemStride => 2;

    /// <summary>conv1 (3x3, stride 2), its norm (bn1) and relu; no max pooling.</summary>
    protected override void MakeStemLayer(int inChannels, int stemChannels, bool deepStem)
    {
        conv1 = ConvCfg.Create(inChannels, stemChannels, 3, stride: 2, padding: 1, bias: false);
        AddNorm1(stemChannels);
        relu = nn.ReLU(inplace: true);
    }

    /// <inheritdoc />
    protected override Tensor ForwardStem(Tensor input) => relu!.call(Norm1!.call(conv1!.call(input)));

    /// <inheritdoc />
    protected override string ExportOnnxStem(OnnxGraphBuilder graph, string input) =>
        (graph ?? throw new ArgumentNullException(nameof(graph))).Chain(input, conv1, Norm1, relu);

    // Runs before the base constructor builds any layer.
    private static IReadOnlyList<ResStage> Plan(string? arch, int? w0, double? wa, double? wm, int? depth, int? groupW, double? botMul, bool deepStem, out RegNetArch design)
    {
        if (deepStem)
        {
            throw new ConfigValueException("deep_stem", deepStem, "false: mmpretrain's RegNet has no deep stem");
        }

        design = RegNetArch.Resolve(arch, w0, wa, wm, depth, groupW, botMul);
        var stages = design.Stages();
        if (stages.Count > 4)
        {
            throw new ConfigValueException(
                depth is not null ? "depth" : "arch",
                depth is not null ? design.Depth : arch,
                $"a design whose widths fall into 1 to 4 stages; {design} gives {stages.Count} ({string.Join(", ", stages.Select(stage => stage.OutChannels))})");
        }

        return stages;
    }
}

/// <summary>RegNet's size from its config: the convolution weights of the stages its design gives (norms add well under 1 %).</summary>
public partial class RegNetConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters()
    {
        IReadOnlyList<ResStage> stages;
        try
        {
            stages = RegNetArch.Resolve(Arch, W0, Wa, Wm, Depth, GroupW, BotMul).Stages();
        }
        catch (ConfigValueException)
        {
            // The constructor reports it with the member's location.
            return new ParameterEstimate(0, "arch");
        }

        double total = 9.0 * InChannels * StemChannels;
        double stageIn = StemChannels;
        foreach (var (blocks, width, options, _) in stages)
        {
            // Each block: 1x1 in, grouped 3x3, 1x1 out; the first also a 1x1 shortcut.
            double middle = options.Groups == 1 ? width : options.Groups * options.WidthPerGroup;
            total += (stageIn * width) + (stageIn * middle) + (9.0 * middle * middle / options.Groups) + (middle * width);
            total += (blocks - 1) * ((2.0 * width * middle) + (9.0 * middle * middle / options.Groups));
            stageIn = width;
        }

        return new ParameterEstimate(total, Depth is not null || W0 is not null || Wa is not null || Wm is not null ? "depth" : "arch");
    }
}
