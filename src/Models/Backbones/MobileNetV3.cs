using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// MobileNetV3 (Howard et al., "Searching for MobileNetV3"), as mmpretrain's <c>MobileNetV3</c>:
/// <c>layer0</c> (3x3 stride-2 ConvModule to 16 channels, hard swish), one <see cref="MBConv"/> per
/// row of the arch (<c>layer1</c> ... <c>layer11</c> for the small archs, <c>layer1</c> ...
/// <c>layer15</c> for large), each with a squeeze-and-excitation (ReLU, then hard sigmoid) where the
/// arch says so, and a last 1x1 ConvModule with hard swish to the last block's mid channels
/// (<c>layer12</c>: 576 for small, <c>layer16</c>: 960 for large). Stage index i is layer i. An
/// image batch (N, 3, H, W) in; out, the feature map of each stage in <c>out_indices</c>,
/// shallowest first.
/// </summary>
/// <remarks>
/// The archs are mmpretrain's: "small" and "large" are the paper's (torchvision's
/// <c>mobilenet_v3_small</c> and <c>_large</c>); "small_075" and "small_050" are timm's narrower
/// small networks, whose stem stays at 16 channels.
/// </remarks>
[RegisterModel]
public partial class MobileNetV3 : Backbone, IHasInitConfig, IHasFeatureInfo, IOnnxExportable
{
    // kernel, mid channels, out channels, squeeze-and-excitation, hard swish (else ReLU), stride;
    // one row per block (layer1, layer2, ...).
    private static readonly Dictionary<string, (int Kernel, int Mid, int Out, bool WithSE, bool HSwish, int Stride)[]> ArchSettings = new(StringComparer.Ordinal)
    {
        ["small"] =
        [
            (3, 16, 16, true, false, 2), (3, 72, 24, false, false, 2), (3, 88, 24, false, false, 1),
            (5, 96, 40, true, true, 2), (5, 240, 40, true, true, 1), (5, 240, 40, true, true, 1),
            (5, 120, 48, true, true, 1), (5, 144, 48, true, true, 1), (5, 288, 96, true, true, 2),
            (5, 576, 96, true, true, 1), (5, 576, 96, true, true, 1),
        ],
        ["small_075"] =
        [
            (3, 16, 16, true, false, 2), (3, 72, 24, false, false, 2), (3, 88, 24, false, false, 1),
            (5, 96, 32, true, true, 2), (5, 192, 32, true, true, 1), (5, 192, 32, true, true, 1),
            (5, 96, 40, true, true, 1), (5, 120, 40, true, true, 1), (5, 240, 72, true, true, 2),
            (5, 432, 72, true, true, 1), (5, 432, 72, true, true, 1),
        ],
        ["small_050"] =
        [
            (3, 16, 8, true, false, 2), (3, 40, 16, false, false, 2), (3, 56, 16, false, false, 1),
            (5, 64, 24, true, true, 2), (5, 144, 24, true, true, 1), (5, 144, 24, true, true, 1),
            (5, 72, 24, true, true, 1), (5, 72, 24, true, true, 1), (5, 144, 48, true, true, 2),
            (5, 288, 48, true, true, 1), (5, 288, 48, true, true, 1),
        ],
        ["large"] =
        [
            (3, 16, 16, false, false, 1), (3, 64, 24, false, false, 2), (3, 72, 24, false, false, 1),
            (5, 72, 40, true, false, 2), (5, 120, 40, true, false, 1), (5, 120, 40, true, false, 1),
            (3, 240, 80, false, true, 2), (3, 200, 80, false, true, 1), (3, 184, 80, false, true, 1),
            (3, 184, 80, false, true, 1), (3, 480, 112, true, true, 1), (3, 672, 112, true, true, 1),
            (5, 672, 160, true, true, 2), (5, 960, 160, true, true, 1), (5, 960, 160, true, true, 1),
        ],
    };

    private const int StemChannels = 16;

    // layer0 ... layerN+1 (registered by hand under mmpretrain's names): the stages out_indices refer to.
    private readonly nn.Module<Tensor, Tensor>[] stages;
    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly bool normEval;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's MobileNetV3 arguments, with its defaults.</summary>
    /// <param name="arch">"small", "small_075", "small_050" or "large".</param>
    /// <param name="convCfg">The convolution layers; null is a plain Conv2d.</param>
    /// <param name="normCfg">The norm layers; null is BN with eps 0.001 and momentum 0.01 (TensorFlow's).</param>
    /// <param name="outIndices">The stages (0 ... 12 for the small archs, 0 ... 16 for large) whose outputs are returned; null is the last (12 or 16).</param>
    /// <param name="frozenStages">Stages whose parameters are not trained and which stay in evaluation mode: k freezes layer0 ... layer k; -1 freezes nothing.</param>
    /// <param name="normEval">Keep every batch norm in evaluation mode (running statistics frozen) while training.</param>
    /// <param name="withCp">mmpretrain's activation checkpointing, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default: Kaiming (leaky_relu) on Conv2d, N(0, 0.01²) on Linear, 1 on BatchNorm2d.</param>
    public MobileNetV3(
        [OneOf("small", "small_075", "small_050", "large")] string arch = "small",
        ConvLayerBuilder? convCfg = null,
        NormLayerBuilder? normCfg = null,
        [ValueRange(0, 16)] int[]? outIndices = null,
        [ValueRange(-1, 16)] int frozenStages = -1,
        bool normEval = false,
        bool withCp = false,
        Initializer[]? initCfg = null)
        : base(nameof(MobileNetV3))
    {
        if (arch is null || !ArchSettings.TryGetValue(arch, out var settings))
        {
            throw new ConfigValueException("arch", arch, "one of \"small\", \"small_075\", \"small_050\", \"large\"");
        }

        var stageCount = settings.Length + 2;
        this.outIndices = StageIndices.Check(outIndices ?? [stageCount - 1], stageCount, $"the stage count of arch {arch}");
        if (frozenStages < -1 || frozenStages >= stageCount)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, $"between -1 and {stageCount - 1} for arch {arch}");
        }

        Arch = arch;
        WithCp = withCp;
        InitCfg = initCfg ?? DefaultInitCfg.MobileNetV3();
        this.frozenStages = frozenStages;
        this.normEval = normEval;
        var convLayer = convCfg ?? new Convolution2d();
        var norm = normCfg ?? new BatchNormalization(eps: 0.001, momentum: 0.01);
        var hswish = new HSwishActivation();
        var relu = new ReLUActivation();

        stages = new nn.Module<Tensor, Tensor>[stageCount];
        featureInfo = new FeatureInfo[stageCount];
        stages[0] = new ConvModule(3, StemChannels, 3, stride: 2, padding: 1, conv: convLayer, norm: norm, activation: hswish);
        featureInfo[0] = new FeatureInfo(StemChannels, 2, "layer0");
        var channels = StemChannels;
        var reduction = 2;
        for (var block = 0; block < settings.Length; block++)
        {
            var (kernel, mid, outChannels, withSE, useHSwish, stride) = settings[block];

            // The gate is mmcv's HSigmoid with PyTorch's hardsigmoid numbers, as mmpretrain sets it.
            var se = withSE ? new SELayer(mid, ratio: 4, activations: (new ReLUActivation(), new HSigmoidActivation())) : null;
            stages[block + 1] = new MBConv(channels, outChannels, mid, kernel, stride, se, convLayer, norm, useHSwish ? hswish : relu);
            reduction *= stride;
            featureInfo[block + 1] = new FeatureInfo(outChannels, reduction, $"layer{block + 1}");
            channels = outChannels;
        }

        // mmpretrain widens the last conv to the last block's mid channels (its loop variable).
        var lastChannels = settings[^1].Mid;
        stages[^1] = new ConvModule(channels, lastChannels, 1, conv: convLayer, norm: norm, activation: hswish);
        featureInfo[^1] = new FeatureInfo(lastChannels, reduction, $"layer{stageCount - 1}");
        for (var stage = 0; stage < stageCount; stage++)
        {
            register_module(featureInfo[stage].Module, stages[stage]);
        }

        RegisterComponents();
        FreezeStages();
    }

    /// <summary>The arch name.</summary>
    public string Arch { get; }

    /// <summary>The with_cp setting, which has no effect here.</summary>
    public bool WithCp { get; }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <summary>One entry per stage: layer0 (the stem), the blocks, then the last conv.</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <summary>The blocks, layer1 ... layerN, in order.</summary>
    public IReadOnlyList<MBConv> Blocks => [.. stages.Skip(1).Take(stages.Length - 2).Cast<MBConv>()];

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return BackboneStages.Forward(input, stages, outIndices);
    }

    /// <summary>The stages in order; the outputs of those in out_indices.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return BackboneStages.ExportOnnx(graph, inputs[0], stages, outIndices);
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
        // As in mmpretrain, layer0 ... layer{frozen_stages} inclusive (so 0 freezes the stem).
        foreach (var stage in stages.Take(frozenStages + 1))
        {
            stage.eval();
            foreach (var parameter in stage.parameters())
            {
                parameter.requires_grad = false;
            }
        }
    }
}
