using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// EfficientNet (Tan and Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
/// Networks") and EfficientNet-EdgeTPU, as mmpretrain's <c>EfficientNet</c>: <c>layers.0</c> (3x3
/// stride-2 ConvModule), <c>layers.1</c> ... <c>layers.5</c> (sequences of <see cref="MBConv"/> blocks
/// with squeeze-and-excitation, or, in the EdgeTPU archs' first stages, <see cref="EdgeResidual"/>
/// blocks) and <c>layers.6</c> (1x1 ConvModule). Stage index i is <c>layers.i</c>. An image batch
/// (N, 3, H, W) in; out, the feature map of each stage in <c>out_indices</c>, shallowest first, at
/// strides 2, 2, 4, 8, 16, 32, 32.
/// </summary>
/// <remarks>
/// The archs scale one base table by width (channels times the factor, rounded to multiples of 8)
/// and depth (each run of equal-channel blocks repeated ceil(factor * count) times), as mmpretrain
/// scales them; b0 ... b7 have torchvision's channels and block counts. mmpretrain's "l2" (480 M
/// parameters) is not offered.
/// </remarks>
[RegisterModel]
public partial class EfficientNet : Backbone, IHasInitConfig, IHasFeatureInfo, IOnnxExportable
{
    // Width factor, depth factor, the input size the arch was trained at.
    private static readonly Dictionary<string, (double Width, double Depth, int Resolution)> ArchSettings = new(StringComparer.Ordinal)
    {
        ["b0"] = (1.0, 1.0, 224),
        ["b1"] = (1.0, 1.1, 240),
        ["b2"] = (1.1, 1.2, 260),
        ["b3"] = (1.2, 1.4, 300),
        ["b4"] = (1.4, 1.8, 380),
        ["b5"] = (1.6, 2.2, 456),
        ["b6"] = (1.8, 2.6, 528),
        ["b7"] = (2.0, 3.1, 600),
        ["b8"] = (2.2, 3.6, 672),
        ["es"] = (1.0, 1.0, 224),
        ["em"] = (1.0, 1.1, 240),
        ["el"] = (1.2, 1.4, 300),
    };

    // The base tables, one array per stage (the first and last are single convolutions): kernel,
    // channels, squeeze ratio (0 for no squeeze-and-excitation), stride, expand ratio, and whether
    // the block is an EdgeResidual rather than an inverted residual.
    private static readonly Block[][] EfficientNetTable =
    [
        [new(3, 32, 0, 2, 0, false)],
        [new(3, 16, 4, 1, 1, false)],
        [new(3, 24, 4, 2, 6, false), new(3, 24, 4, 1, 6, false)],
        [new(5, 40, 4, 2, 6, false), new(5, 40, 4, 1, 6, false)],
        [new(3, 80, 4, 2, 6, false), new(3, 80, 4, 1, 6, false), new(3, 80, 4, 1, 6, false), new(5, 112, 4, 1, 6, false), new(5, 112, 4, 1, 6, false), new(5, 112, 4, 1, 6, false)],
        [new(5, 192, 4, 2, 6, false), new(5, 192, 4, 1, 6, false), new(5, 192, 4, 1, 6, false), new(5, 192, 4, 1, 6, false), new(3, 320, 4, 1, 6, false)],
        [new(1, 1280, 0, 1, 0, false)],
    ];

    private static readonly Block[][] EdgeTable =
    [
        [new(3, 32, 0, 2, 0, false)],
        [new(3, 24, 0, 1, 3, true)],
        [new(3, 32, 0, 2, 8, true), new(3, 32, 0, 1, 8, true)],
        [new(3, 48, 0, 2, 8, true), new(3, 48, 0, 1, 8, true), new(3, 48, 0, 1, 8, true), new(3, 48, 0, 1, 8, true)],
        [new(5, 96, 0, 2, 8, false), new(5, 96, 0, 1, 8, false), new(5, 96, 0, 1, 8, false), new(5, 96, 0, 1, 8, false), new(5, 96, 0, 1, 8, false), new(5, 144, 0, 1, 8, false), new(5, 144, 0, 1, 8, false), new(5, 144, 0, 1, 8, false), new(5, 144, 0, 1, 8, false)],
        [new(5, 192, 0, 2, 8, false), new(5, 192, 0, 1, 8, false)],
        [new(1, 1280, 0, 1, 0, false)],
    ];

    private const int StageCount = 7;

    // layers.0 ... layers.6, registered by hand under mmpretrain's name (layers, a ModuleList).
    private readonly nn.Module<Tensor, Tensor>[] stages;
    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly bool normEval;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's EfficientNet arguments, with its defaults.</summary>
    /// <param name="arch">"b0" ... "b8", or the EdgeTPU archs "es", "em", "el".</param>
    /// <param name="dropPathRate">Stochastic depth of the last block; the blocks' rates rise linearly from 0 to it.</param>
    /// <param name="outIndices">The stages (0 ... 6) whose outputs are returned.</param>
    /// <param name="frozenStages">Stages whose parameters are not trained and which stay in evaluation mode: k freezes layers.0 ... layers.(k-1); 0 freezes nothing.</param>
    /// <param name="convCfg">The convolution layers; null is mmpretrain's default, Conv2dAdaptivePadding (TensorFlow's "SAME" padding); {"type": "Conv2d"} pads by half the kernel, as torchvision does.</param>
    /// <param name="normCfg">The norm layers; null is BN with eps 0.001.</param>
    /// <param name="actCfg">The activation; null is Swish (SiLU).</param>
    /// <param name="normEval">Keep every batch norm in evaluation mode (running statistics frozen) while training.</param>
    /// <param name="withCp">mmpretrain's activation checkpointing, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default: Kaiming on Conv2d, weight 1 and bias 0 on batch and group norms.</param>
    public EfficientNet(
        [OneOf("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "es", "em", "el")] string arch = "b0",
        [ValueRange(0, 1, MaximumExclusive = true)] double dropPathRate = 0.0,
        [DefaultItems(6)][ValueRange(0, 6)] int[]? outIndices = null,
        [ValueRange(0, 7)] int frozenStages = 0,
        ConvLayerBuilder? convCfg = null,
        NormLayerBuilder? normCfg = null,
        ActivationBuilder? actCfg = null,
        bool normEval = false,
        bool withCp = false,
        Initializer[]? initCfg = null)
        : base(nameof(EfficientNet))
    {
        if (arch is null || !ArchSettings.TryGetValue(arch, out var setting))
        {
            throw new ConfigValueException("arch", arch, "one of " + string.Join(", ", ArchSettings.Keys.Select(name => $"\"{name}\"")));
        }

        if (!(dropPathRate >= 0 && dropPathRate < 1))
        {
            throw new ConfigValueException("drop_path_rate", dropPathRate, ">= 0 and < 1");
        }

        this.outIndices = StageIndices.Check(outIndices ?? [6], StageCount, "the stage count");
        if (frozenStages is < 0 or > StageCount)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, "between 0 and 7");
        }

        Arch = arch;
        Resolution = setting.Resolution;
        WithCp = withCp;
        InitCfg = initCfg ?? DefaultInitCfg.EfficientNet();
        this.frozenStages = frozenStages;
        this.normEval = normEval;
        var convLayer = convCfg ?? new AdaptivePaddingConvolution2d();
        var norm = normCfg ?? new BatchNormalization(eps: 0.001);
        var activation = actCfg ?? new SiLUActivation();

        var table = Scale(arch.StartsWith('e') ? EdgeTable : EfficientNetTable, setting.Width, setting.Depth);
        stages = new nn.Module<Tensor, Tensor>[StageCount];
        featureInfo = new FeatureInfo[StageCount];
        var stem = table[0][0];
        var channels = ChannelRounding.MakeDivisible(stem.Channels, 8);
        stages[0] = new ConvModule(3, channels, stem.Kernel, stride: stem.Stride, padding: stem.Kernel / 2, conv: convLayer, norm: norm, activation: activation);
        var reduction = stem.Stride;
        featureInfo[0] = new FeatureInfo(channels, reduction, "layers.0");

        var blockCount = table.Skip(1).SkipLast(1).Sum(stage => stage.Count);
        var blockIndex = 0;
        for (var stage = 1; stage < StageCount - 1; stage++)
        {
            var blocks = new List<nn.Module<Tensor, Tensor>>(table[stage].Count);
            for (var index = 0; index < table[stage].Count; index++)
            {
                var block = table[stage][index];
                var outChannels = ChannelRounding.MakeDivisible(block.Channels, 8);
                var rate = blockCount > 1 ? dropPathRate * blockIndex / (blockCount - 1) : 0;
                blocks.Add(CreateBlock(block, index, channels, outChannels, rate, convLayer, norm, activation));
                reduction *= block.Stride;
                channels = outChannels;
                blockIndex++;
            }

            stages[stage] = nn.Sequential(blocks);
            featureInfo[stage] = new FeatureInfo(channels, reduction, $"layers.{stage}");
        }

        var last = table[^1][0];
        stages[^1] = new ConvModule(channels, last.Channels, last.Kernel, stride: last.Stride, padding: last.Kernel / 2, conv: convLayer, norm: norm, activation: activation);
        featureInfo[^1] = new FeatureInfo(last.Channels, reduction * last.Stride, $"layers.{StageCount - 1}");
        register_module("layers", nn.ModuleList(stages));
        RegisterComponents();
        FreezeStages();
    }

    /// <summary>The arch name.</summary>
    public string Arch { get; }

    /// <summary>The input size the arch is defined at (224 for b0 ... 672 for b8).</summary>
    public int Resolution { get; }

    /// <summary>The with_cp setting, which has no effect here.</summary>
    public bool WithCp { get; }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <summary>One entry per stage: layers.0 (the stem) ... layers.6 (the last conv).</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <summary>The blocks (<see cref="MBConv"/> or <see cref="EdgeResidual"/>) of layers.1 ... layers.5, stage by stage.</summary>
    public IReadOnlyList<IReadOnlyList<nn.Module<Tensor, Tensor>>> StageBlocks =>
        [.. stages.Skip(1).Take(StageCount - 2).Select(stage => (IReadOnlyList<nn.Module<Tensor, Tensor>>)[.. stage.children().Cast<nn.Module<Tensor, Tensor>>()])];

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

    private static nn.Module<Tensor, Tensor> CreateBlock(Block block, int index, int inChannels, int outChannels, double dropPathRate, ConvLayerBuilder convLayer, NormLayerBuilder norm, ActivationBuilder activation)
    {
        if (block.Edge)
        {
            // mmpretrain's rule for the EdgeTPU archs: a repeated block of the expand-3 stage
            // expands by 4 and has no shortcut.
            var repeated = index > 0 && block.ExpandRatio == 3;
            var expandRatio = repeated ? 4 : block.ExpandRatio;
            return new EdgeResidual(inChannels, outChannels, inChannels * expandRatio, block.Kernel, block.Stride, !repeated, convLayer, norm, activation, dropPathRate);
        }

        var mid = inChannels * block.ExpandRatio;

        // The gate squeezes mid / (expand ratio * squeeze ratio) channels, in / 4 for the b archs.
        var se = block.SeRatio > 0
            ? new SELayer(mid, ratio: block.ExpandRatio * block.SeRatio, divisor: 1, activations: (activation, new SigmoidActivation()))
            : null;
        return new MBConv(inChannels, outChannels, mid, block.Kernel, block.Stride, se, convLayer, norm, activation, dropPathRate);
    }

    /// <summary>
    /// mmpretrain's model scaling: every channel count times <paramref name="width"/> rounded to a
    /// multiple of 8; the middle stages split into runs of equal channels, each run repeated
    /// ceil(<paramref name="depth"/> * length) times (extra blocks copy its last), and a run whose
    /// first block keeps the resolution joined to the stage before it.
    /// </summary>
    private static List<List<Block>> Scale(Block[][] table, double width, double depth)
    {
        var widened = table.Select(stage => stage.Select(block => block with { Channels = ChannelRounding.MakeDivisible(block.Channels * width, 8) }).ToArray()).ToArray();
        var runs = new List<Block[]>();
        foreach (var stage in widened[1..^1])
        {
            var start = 0;
            for (var index = 1; index <= stage.Length; index++)
            {
                if (index == stage.Length || stage[index].Channels != stage[index - 1].Channels)
                {
                    runs.Add(stage[start..index]);
                    start = index;
                }
            }
        }

        List<List<Block>> scaled = [[.. widened[0]]];
        for (var run = 0; run < runs.Count; run++)
        {
            var length = (int)Math.Ceiling(depth * runs[run].Length);
            List<Block> blocks = length <= runs[run].Length
                ? [.. runs[run].Take(length)]
                : [.. runs[run], .. Enumerable.Repeat(runs[run][^1], length - runs[run].Length)];
            if (blocks[0].Stride == 1 && run != 0)
            {
                scaled[^1].AddRange(blocks);
            }
            else
            {
                scaled.Add(blocks);
            }
        }

        scaled.Add([.. widened[^1]]);
        return scaled;
    }

    private void FreezeStages()
    {
        foreach (var stage in stages.Take(frozenStages))
        {
            stage.eval();
            foreach (var parameter in stage.parameters())
            {
                parameter.requires_grad = false;
            }
        }
    }

    private readonly record struct Block(int Kernel, int Channels, int SeRatio, int Stride, int ExpandRatio, bool Edge);
}
