using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// MobileNetV2 (Sandler et al., "Inverted Residuals and Linear Bottlenecks"), as mmpretrain's
/// <c>MobileNetV2</c>: <c>conv1</c> (3x3 stride-2 ConvModule), seven stages of inverted residual
/// blocks (<c>layer1</c> ... <c>layer7</c>) and <c>conv2</c> (1x1 ConvModule to 1280 channels, or
/// 1280 * widen_factor above 1). Stage indices 0 ... 6 are layer1 ... layer7 and 7 is conv2. An
/// image batch (N, 3, H, W) in; out, the feature map of each stage in <c>out_indices</c>,
/// shallowest first, at strides 2, 4, 8, 16, 16, 32, 32, 32.
/// </summary>
/// <remarks>
/// Channels are width-scaled and rounded to multiples of 8 (make_divisible): 32 * widen_factor for
/// conv1, then 16, 24, 32, 64, 96, 160, 320 times widen_factor for the stages.
/// </remarks>
[RegisterModel]
public partial class MobileNetV2 : Backbone, IHasInitConfig, IHasFeatureInfo, IOnnxExportable
{
    // expand ratio, channels, blocks, stride of the first block; one row per stage (layer1 ... layer7).
    private static readonly (int ExpandRatio, int Channels, int Blocks, int Stride)[] ArchSettings =
    [
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    ];

    private const int StageCount = 8;

    // mmpretrain's attribute names, so they are the checkpoint keys.
    private readonly ConvModule conv1;
    private readonly ConvModule conv2;

    // layer1 ... layer7 (registered by hand), then conv2: the stages out_indices refer to.
    private readonly nn.Module<Tensor, Tensor>[] stages;
    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly bool normEval;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's MobileNetV2 arguments, with its defaults.</summary>
    /// <param name="widenFactor">Width multiplier for every layer's channels.</param>
    /// <param name="outIndices">The stages (0 ... 6 for layer1 ... layer7, 7 for conv2) whose outputs are returned.</param>
    /// <param name="frozenStages">Stages whose parameters are not trained: 0 freezes conv1, k conv1 and layer1 ... layer k (which also stay in evaluation mode); -1 freezes nothing.</param>
    /// <param name="convCfg">The convolution layers; null is a plain Conv2d.</param>
    /// <param name="normCfg">The norm layers; null is BN (eps 1e-5, momentum 0.1, trained).</param>
    /// <param name="actCfg">The activation; null is ReLU6.</param>
    /// <param name="normEval">Keep every batch norm in evaluation mode (running statistics frozen) while training.</param>
    /// <param name="withCp">mmpretrain's activation checkpointing, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default: Kaiming on Conv2d, weight 1 and bias 0 on batch and group norms.</param>
    public MobileNetV2(
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double widenFactor = 1.0,
        [DefaultItems(7)][ValueRange(0, 7)] int[]? outIndices = null,
        [ValueRange(-1, 7)] int frozenStages = -1,
        ConvLayerBuilder? convCfg = null,
        NormLayerBuilder? normCfg = null,
        ActivationBuilder? actCfg = null,
        bool normEval = false,
        bool withCp = false,
        Initializer[]? initCfg = null)
        : base(nameof(MobileNetV2))
    {
        if (!(widenFactor > 0) || double.IsInfinity(widenFactor))
        {
            throw new ConfigValueException("widen_factor", widenFactor, "> 0");
        }

        this.outIndices = StageIndices.Check(outIndices ?? [7], StageCount, "the stage count");
        if (frozenStages is < -1 or > StageCount - 1)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, "between -1 and 7");
        }

        var convLayer = convCfg ?? new Convolution2d();
        var norm = normCfg ?? new BatchNormalization();
        var activation = actCfg ?? new ReLU6Activation();
        WidenFactor = widenFactor;
        WithCp = withCp;
        InitCfg = initCfg ?? DefaultInitCfg.MobileNetV2();
        this.frozenStages = frozenStages;
        this.normEval = normEval;

        var channels = ChannelRounding.MakeDivisible(32 * widenFactor, 8);
        conv1 = new ConvModule(3, channels, 3, stride: 2, padding: 1, conv: convLayer, norm: norm, activation: activation);
        stages = new nn.Module<Tensor, Tensor>[StageCount];
        featureInfo = new FeatureInfo[StageCount];
        var reduction = 2;
        for (var stage = 0; stage < ArchSettings.Length; stage++)
        {
            var (expandRatio, baseChannels, blocks, stride) = ArchSettings[stage];
            var outChannels = ChannelRounding.MakeDivisible(baseChannels * widenFactor, 8);
            var stageBlocks = new List<nn.Module<Tensor, Tensor>>(blocks);
            for (var block = 0; block < blocks; block++)
            {
                stageBlocks.Add(new InvertedResidual(channels, outChannels, block == 0 ? stride : 1, expandRatio, convLayer, norm, activation));
                channels = outChannels;
            }

            var name = $"layer{stage + 1}";
            stages[stage] = nn.Sequential(stageBlocks);
            register_module(name, stages[stage]);
            reduction *= stride;
            featureInfo[stage] = new FeatureInfo(outChannels, reduction, name);
        }

        // mmpretrain widens the last conv only above 1 (int() truncates).
        var lastChannels = widenFactor > 1.0 ? (int)(1280 * widenFactor) : 1280;
        conv2 = new ConvModule(channels, lastChannels, 1, conv: convLayer, norm: norm, activation: activation);
        stages[StageCount - 1] = conv2;
        featureInfo[StageCount - 1] = new FeatureInfo(lastChannels, reduction, nameof(conv2));
        RegisterComponents();
        FreezeStages();
    }

    /// <summary>The width multiplier.</summary>
    public double WidenFactor { get; }

    /// <summary>The with_cp setting, which has no effect here.</summary>
    public bool WithCp { get; }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <summary>One entry per stage: layer1 ... layer7, then conv2.</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return BackboneStages.Forward(conv1.call(input), stages, outIndices);
    }

    /// <summary>The stages in order; the outputs of those in out_indices.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return BackboneStages.ExportOnnx(graph, graph.Export(conv1, inputs[0]), stages, outIndices);
    }

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

    private void FreezeStages()
    {
        if (frozenStages < 0)
        {
            return;
        }

        // As in mmpretrain, conv1 stops learning but stays in the current mode (its norm's running
        // statistics still update in training); the frozen stages are also put in evaluation mode.
        foreach (var parameter in conv1.parameters())
        {
            parameter.requires_grad = false;
        }

        foreach (var stage in stages.Take(frozenStages))
        {
            stage.eval();
            foreach (var parameter in stage.parameters())
            {
                parameter.requires_grad = false;
            }
        }
    }
}
