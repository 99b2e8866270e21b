using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// ResNet (He et al., "Deep Residual Learning for Image Recognition"), as mmpretrain's
/// <c>ResNet</c>: a stem (7x7 stride-2 conv, norm, ReLU, or three 3x3 ConvModules with
/// <c>deep_stem</c>; then a 3x3 stride-2 max pooling), then up to four stages of residual blocks
/// (<c>layer1</c> ... <c>layer4</c>). An image batch (N, in_channels, H, W) in; out, the feature map
/// of each stage in <c>out_indices</c>, shallowest first: stage i has base_channels * expansion * 2^i
/// channels at H / (4 * the product of the strides so far).
/// </summary>
/// <remarks>
/// Built without initialising weights beyond TorchSharp's defaults, as an mmpretrain module is
/// before <c>init_weights()</c>; <c>WeightInitialization</c> applies <see cref="InitCfg"/> and then
/// <c>zero_init_residual</c> (<see cref="OnWeightsInitialized"/>).
/// </remarks>
[RegisterModel]
public partial class ResNet : Backbone, IHasInitConfig, IHasFeatureInfo, IConvNormPairs, ILayerDepth, IOnnxExportable
{
    private static readonly IReadOnlyDictionary<int, (bool Bottleneck, int[] StageBlocks)> ArchSettings = new Dictionary<int, (bool, int[])>
    {
        [18] = (false, [2, 2, 2, 2]),
        [34] = (false, [3, 4, 6, 3]),
        [50] = (true, [3, 4, 6, 3]),
        [101] = (true, [3, 4, 23, 3]),
        [152] = (true, [3, 8, 36, 3]),
    };

    // The stem. Field names are mmpretrain's attribute names, so they are the checkpoint keys
    // (stem.0.conv.weight with deep_stem, conv1.weight otherwise). They are protected so that
    // variants can build another stem in MakeStemLayer (ResNet_CIFAR).
    protected Sequential? stem;
    protected nn.Module<Tensor, Tensor>? conv1;
    protected nn.Module<Tensor, Tensor>? relu;
    protected nn.Module<Tensor, Tensor>? maxpool;

    // Registered as mmcv names it (bn1, gn1), see AddNorm1.
    private NamedLayer? norm1;

    // Registered by hand as layer1 ... layer4.
    private readonly Sequential[] layers;
    private readonly int[] stageOutChannels;
    private readonly int[] strides;
    private readonly int[] outIndices;
    private readonly int[] stageBlocks;
    private readonly int frozenStages;
    private readonly bool normEval;
    private readonly bool zeroInitResidual;
    private IReadOnlyList<FeatureInfo>? featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's ResNet arguments, with its defaults.</summary>
    /// <param name="depth">Network depth: 18 or 34 (basic blocks), 50, 101 or 152 (bottlenecks).</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="stemChannels">Output channels of the stem.</param>
    /// <param name="baseChannels">Middle channels of the first stage; its output has base_channels * expansion, and each later stage doubles it.</param>
    /// <param name="expansion">Output / middle channels of each block; null takes the block's own (1 for basic blocks, which allow nothing else; 4 for bottlenecks).</param>
    /// <param name="numStages">How many residual stages to build, 1 to 4.</param>
    /// <param name="strides">The stride of the first block of each stage; one item per stage.</param>
    /// <param name="dilations">The dilation of each stage; one item per stage.</param>
    /// <param name="outIndices">The stages (from 0) whose outputs are returned, each below num_stages.</param>
    /// <param name="style">"pytorch" puts a bottleneck's stride on its 3x3 conv, "caffe" on its first 1x1 conv; basic blocks ignore it.</param>
    /// <param name="deepStem">Replace the 7x7 stem conv with three 3x3 ConvModules (stem_channels / 2, stem_channels / 2, stem_channels).</param>
    /// <param name="avgDown">Downsample shortcuts by average pooling before a stride-1 1x1 conv instead of a strided conv.</param>
    /// <param name="frozenStages">Stages whose parameters are not trained and whose norms stay in evaluation mode: 0 freezes the stem, k the stem and layer1 ... layer k; -1 freezes nothing. At most num_stages.</param>
    /// <param name="convCfg">The convolution layers; null is a plain Conv2d.</param>
    /// <param name="normCfg">The norm layers; null is BN (eps 1e-5, momentum 0.1, trained).</param>
    /// <param name="normEval">Keep every batch norm in evaluation mode (running statistics frozen) while training.</param>
    /// <param name="withCp">mmpretrain's activation checkpointing, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="zeroInitResidual">After initialisation, fill the last norm of each block with zeros (weight and bias), so each block starts as the identity. Skipped when a Pretrained initializer loads the weights.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default: Kaiming on Conv2d, weight 1 and bias 0 on batch and group norms.</param>
    /// <param name="dropPathRate">Stochastic depth rate of every block's residual branch (mmpretrain gives each block the same rate).</param>
    public ResNet(
        [OneOf(18, 34, 50, 101, 152)] int depth,
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [ValueRange(Minimum = 1)] int stemChannels = 64,
        [ValueRange(Minimum = 1)] int baseChannels = 64,
        [ValueRange(Minimum = 1)] int? expansion = null,
        [ValueRange(1, 4)] int numStages = 4,
        [DefaultItems(1, 2, 2, 2)][ValueRange(Minimum = 1)] int[]? strides = null,
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
        Initializer[]? initCfg = null,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropPathRate = 0.0)
        : this(null, depth, inChannels, stemChannels, baseChannels, expansion, numStages, strides, dilations, outIndices, style, deepStem, avgDown, frozenStages, convCfg, normCfg, normEval, withCp, zeroInitResidual, initCfg, dropPathRate)
    {
    }

#pragma warning disable CS1573 // The other parameters are documented on the public constructor.
    /// <summary>
    /// Creates a ResNet whose bottlenecks are ResNeXt's grouped ones or carry SE layers, as
    /// mmpretrain's <c>ResNeXt</c> and <c>SEResNet</c> do through <c>make_res_layer</c>. The other
    /// parameters are the public constructor's, without its defaults.
    /// </summary>
    /// <param name="bottleneckOptions">The bottlenecks' groups and SE layer; null for ResNet's own blocks. When set, depth must be 50, 101 or 152.</param>
    protected ResNet(
        BottleneckOptions? bottleneckOptions,
        int depth,
        int inChannels,
        int stemChannels,
        int baseChannels,
        int? expansion,
        int numStages,
        int[]? strides,
        int[]? dilations,
        int[]? outIndices,
        string style,
        bool deepStem,
        bool avgDown,
        int frozenStages,
        ConvLayerBuilder? convCfg,
        NormLayerBuilder? normCfg,
        bool normEval,
        bool withCp,
        bool zeroInitResidual,
        Initializer[]? initCfg,
        double dropPathRate)
        : this(
            StagesOfDepth(bottleneckOptions, depth, baseChannels, expansion, numStages, out var bottleneck, out var blockExpansion),
            bottleneck,
            blockExpansion,
            "num_stages",
            depth,
            inChannels,
            stemChannels,
            strides ?? [1, 2, 2, 2],
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
            initCfg ?? DefaultInitCfg.ResNet(),
            dropPathRate)
    {
    }

    /// <summary>
    /// Creates a ResNet-style backbone from its stages, given one by one: RegNet's widths, blocks
    /// and group widths come from its arch rule rather than from a depth. The other parameters are
    /// the public constructor's, without its defaults.
    /// </summary>
    /// <param name="stages">The stages, layer1 first: 1 to 4 of them.</param>
    /// <param name="bottleneck">Bottleneck blocks (true) or basic blocks.</param>
    /// <param name="expansion">Output / middle channels of each block.</param>
    /// <param name="stageCountName">What messages call the number of stages ("num_stages", or where it comes from).</param>
    /// <param name="depth">The network depth the backbone reports (<see cref="Depth"/>).</param>
    protected ResNet(
        IReadOnlyList<ResStage> stages,
        bool bottleneck,
        int expansion,
        string stageCountName,
        int depth,
        int inChannels,
        int stemChannels,
        int[] strides,
        int[] dilations,
        int[] outIndices,
        string style,
        bool deepStem,
        bool avgDown,
        int frozenStages,
        ConvLayerBuilder? convCfg,
        NormLayerBuilder? normCfg,
        bool normEval,
        bool withCp,
        bool zeroInitResidual,
        Initializer[] initCfg,
        double dropPathRate)
#pragma warning restore CS1573
        : base(nameof(ResNet))
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(dilations);
        ArgumentNullException.ThrowIfNull(outIndices);
        ArgumentNullException.ThrowIfNull(initCfg);
        InChannels = inChannels;
        var numStages = stages.Count;
        if (numStages is < 1 or > 4)
        {
            throw new ConfigValueException(stageCountName, numStages, "between 1 and 4");
        }

        if (style is not ("pytorch" or "caffe"))
        {
            throw new ConfigValueException("style", style, "one of \"pytorch\", \"caffe\"");
        }

        this.strides = strides;
        RequireOnePerStage("strides", strides, numStages, stageCountName);
        RequireOnePerStage("dilations", dilations, numStages, stageCountName);
        this.outIndices = StageIndices.Check(outIndices, numStages, stageCountName);
        if (frozenStages < -1 || frozenStages > numStages)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, $"between -1 and {stageCountName} ({numStages})");
        }

        if (dropPathRate is < 0 or >= 1 || double.IsNaN(dropPathRate))
        {
            throw new ConfigValueException("drop_path_rate", dropPathRate, ">= 0 and < 1");
        }

        if (deepStem && stemChannels < 2)
        {
            throw new ConfigValueException("stem_channels", stemChannels, ">= 2 with deep_stem, whose first convs have stem_channels / 2 channels");
        }

        ConvCfg = convCfg ?? new Convolution2d();
        NormCfg = normCfg ?? new BatchNormalization();
        DeepStem = deepStem;
        AvgDown = avgDown;
        Depth = depth;
        Expansion = expansion;
        InitCfg = initCfg;
        WithCp = withCp;
        this.frozenStages = frozenStages;
        this.normEval = normEval;
        this.zeroInitResidual = zeroInitResidual;

        MakeStemLayer(inChannels, stemChannels, deepStem);

        stageBlocks = [.. stages.Select(stage => stage.Blocks)];
        var settings = new ResLayer.BlockSettings(bottleneck, expansion, style, avgDown, ConvCfg, NormCfg);
        layers = new Sequential[numStages];
        stageOutChannels = new int[numStages];
        var stageIn = stemChannels;
        for (var stage = 0; stage < numStages; stage++)
        {
            var (numBlocks, stageOut, options, baseChannels) = stages[stage];
            var rates = Enumerable.Repeat(dropPathRate, numBlocks).ToArray();
            layers[stage] = ResLayer.Build(settings with { Options = options, BaseChannels = baseChannels }, numBlocks, stageIn, stageOut, strides[stage], dilations[stage], rates);
            register_module($"layer{stage + 1}", layers[stage]);
            stageOutChannels[stage] = stageOut;
            stageIn = stageOut;
        }

        RegisterComponents();
        FreezeStages();
    }

    /// <summary>The network depth.</summary>
    public int Depth { get; }

    /// <summary>Output / middle channels of each block.</summary>
    public int Expansion { get; }

    /// <summary>Whether the stem is three 3x3 ConvModules.</summary>
    public bool DeepStem { get; }

    /// <summary>Whether downsampling shortcuts average-pool before their conv.</summary>
    public bool AvgDown { get; }

    /// <summary>Each stage's stride, layer1 first.</summary>
    public IReadOnlyList<int> Strides => strides;

    /// <summary>The with_cp setting, which has no effect here.</summary>
    public bool WithCp { get; }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <inheritdoc />
    public int InChannels { get; }

    /// <summary>One entry per stage: layer1 ... layer{num_stages}.</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo ??= BuildFeatureInfo();

    /// <summary>The stages, layer1 first.</summary>
    public IReadOnlyList<Sequential> ResLayers => layers;

    /// <summary>
    /// mmpretrain's layer numbering of ResNets for layer-wise learning-rate decay
    /// (<see cref="LayerDepths.ResNet"/>); the depths 34, 50, 101 and 152 have one.
    /// </summary>
    /// <exception cref="NotSupportedException">Another depth, or fewer than three stages.</exception>
    public (int LayerId, int LayerCount) GetLayerDepth(string parameterName, string prefix) => LayerDepths.ResNet(parameterName, prefix, stageBlocks);

    /// <summary>The stem's norm (registered as <c>bn1</c>, <c>gn1</c>, ...), or null with the deep stem.</summary>
    protected nn.Module<Tensor, Tensor>? Norm1 => norm1?.Module;

    /// <summary>
    /// The stem's <c>conv1</c> and its norm, which <see cref="ForwardStem"/> runs back to back (the
    /// blocks and a deep stem name their own pairs). A variant whose stem uses them otherwise
    /// overrides this.
    /// </summary>
    public virtual IEnumerable<(nn.Module<Tensor, Tensor> Conv, nn.Module<Tensor, Tensor> Norm)> ConvNormPairs() =>
        conv1 is not null && Norm1 is not null ? [(conv1, Norm1)] : [];

    /// <summary>Builds the convolutions (conv_cfg); set before <see cref="MakeStemLayer"/> runs.</summary>
    protected ConvLayerBuilder ConvCfg { get; }

    /// <summary>Builds the norms (norm_cfg); set before <see cref="MakeStemLayer"/> runs.</summary>
    protected NormLayerBuilder NormCfg { get; }

    /// <summary>
    /// How much the stem reduces the input's height and width: 4 for ResNet's stride-2 conv and
    /// stride-2 max pooling. A variant whose stem strides differently overrides it, so that
    /// <see cref="FeatureInfo"/> stays right.
    /// </summary>
    protected virtual int StemStride => 4;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return BackboneStages.Forward(ForwardStem(input), layers, outIndices);
    }

    /// <summary>The stem (<see cref="ExportOnnxStem"/>), then each stage; the outputs of the stages in out_indices.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        OnnxOverrideCheck.RequireExportBeside(graph, this, nameof(ForwardStem), nameof(ExportOnnxStem));
        return BackboneStages.ExportOnnx(graph, ExportOnnxStem(graph, inputs[0]), layers, outIndices);
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

    /// <summary>
    /// zero_init_residual: fills the last norm of every block with zeros (weight and bias), as
    /// mmpretrain's <c>init_weights</c> does after the initializers; skipped when a Pretrained
    /// initializer loads the weights anyway.
    /// </summary>
    public void OnWeightsInitialized()
    {
        if (!zeroInitResidual || InitCfg.Any(initializer => initializer is PretrainedInit))
        {
            return;
        }

        foreach (var block in modules().OfType<ResidualBlock>())
        {
            NormParameters.ConstantInit(block.LastNorm, 0);
        }
    }

    /// <summary>
    /// Builds the stem from <see cref="ConvCfg"/> and <see cref="NormCfg"/>: with
    /// <paramref name="deepStem"/>, <c>stem</c>, a Sequential of three 3x3 ConvModules (the first
    /// with stride 2); otherwise <c>conv1</c> (7x7, stride 2), the norm (<see cref="AddNorm1"/>) and
    /// <c>relu</c>; then <c>maxpool</c> (3x3, stride 2). Runs inside the base constructor, before
    /// the stages are built and before a derived class's constructor body. A variant that
    /// overrides it also overrides <see cref="ForwardStem"/>, and <see cref="StemStride"/> when its
    /// stem reduces the input differently.
    /// </summary>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="stemChannels">Channels the stem outputs.</param>
    /// <param name="deepStem">Whether deep_stem is set.</param>
    protected virtual void MakeStemLayer(int inChannels, int stemChannels, bool deepStem)
    {
        if (deepStem)
        {
            var half = stemChannels / 2;
            stem = nn.Sequential(
                new ConvModule(inChannels, half, 3, stride: 2, padding: 1, conv: ConvCfg, norm: NormCfg, activation: new ReLUActivation(inplace: true)),
                new ConvModule(half, half, 3, stride: 1, padding: 1, conv: ConvCfg, norm: NormCfg, activation: new ReLUActivation(inplace: true)),
                new ConvModule(half, stemChannels, 3, stride: 1, padding: 1, conv: ConvCfg, norm: NormCfg, activation: new ReLUActivation(inplace: true)));
        }
        else
        {
            conv1 = ConvCfg.Create(inChannels, stemChannels, 7, stride: 2, padding: 3, bias: false);
            AddNorm1(stemChannels);
            relu = nn.ReLU(inplace: true);
        }

        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
    }

    /// <summary>Runs the stem: (N, in_channels, H, W) to (N, stem_channels, H / <see cref="StemStride"/>, W / <see cref="StemStride"/>).</summary>
    protected virtual Tensor ForwardStem(Tensor input)
    {
        var features = stem is not null
            ? stem.call(input)
            : relu!.call(Norm1!.call(conv1!.call(input)));
        return maxpool!.call(features);
    }

    /// <summary>
    /// Adds <see cref="ForwardStem"/> to an ONNX graph: the deep stem or conv1, its norm and relu,
    /// then maxpool. A variant that overrides <see cref="ForwardStem"/> overrides this too (its
    /// export is refused otherwise, rather than exported as ResNet's stem).
    /// </summary>
    /// <returns>The stem's output value.</returns>
    protected virtual string ExportOnnxStem(OnnxGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var features = stem is not null ? graph.Export(stem, input) : graph.Chain(input, conv1, Norm1, relu);
        return graph.Chain(features, maxpool);
    }

    /// <summary>
    /// Builds the stem's norm for <paramref name="channels"/> channels from <see cref="NormCfg"/>
    /// and registers it as mmcv names it (<c>bn1</c>, <c>gn1</c>); <see cref="Norm1"/> returns it.
    /// </summary>
    protected void AddNorm1(int channels)
    {
        if (norm1 is not null)
        {
            throw new InvalidOperationException($"The stem norm '{norm1.Name}' is already built.");
        }

        norm1 = NamedLayer.RegisterNorm(this, NormCfg, channels, "1");
    }

    private static void RequireOnePerStage(string member, int[] values, int numStages, string stageCountName)
    {
        if (values.Length != numStages)
        {
            throw new ConfigValueException(member, values, $"{numStages} items, one per stage ({stageCountName} is {numStages})");
        }
    }

    // ResNet's stages from its depth: base_channels * expansion output channels in layer1,
    // doubling with each stage, and the same bottleneck options everywhere.
    private static ResStage[] StagesOfDepth(BottleneckOptions? bottleneckOptions, int depth, int baseChannels, int? expansion, int numStages, out bool bottleneck, out int blockExpansion)
    {
        if (!ArchSettings.TryGetValue(depth, out var arch))
        {
            throw new ConfigValueException("depth", depth, "one of 18, 34, 50, 101, 152");
        }

        if (bottleneckOptions is not null && !arch.Bottleneck)
        {
            // mmpretrain's ResNeXt and SEResNet list only the bottleneck depths.
            throw new ConfigValueException("depth", depth, "one of 50, 101, 152");
        }

        if (numStages is < 1 or > 4)
        {
            throw new ConfigValueException("num_stages", numStages, "between 1 and 4");
        }

        bottleneck = arch.Bottleneck;
        blockExpansion = expansion ?? (arch.Bottleneck ? 4 : 1);
        if (blockExpansion < 1 || (!arch.Bottleneck && blockExpansion != 1))
        {
            throw new ConfigValueException("expansion", expansion, arch.Bottleneck ? ">= 1" : $"null or 1 for depth {depth}, whose basic blocks have no expansion");
        }

        var options = bottleneckOptions ?? new BottleneckOptions();
        var stages = new ResStage[numStages];
        for (var stage = 0; stage < numStages; stage++)
        {
            stages[stage] = new ResStage(arch.StageBlocks[stage], baseChannels * blockExpansion << stage, options, baseChannels);
        }

        return stages;
    }

    private IReadOnlyList<FeatureInfo> BuildFeatureInfo()
    {
        var info = new FeatureInfo[layers.Length];
        var reduction = StemStride;
        for (var stage = 0; stage < layers.Length; stage++)
        {
            reduction *= strides[stage];
            info[stage] = new FeatureInfo(stageOutChannels[stage], reduction, $"layer{stage + 1}");
        }

        return info;
    }

    private void FreezeStages()
    {
        if (frozenStages < 0)
        {
            return;
        }

        var frozen = new List<nn.Module>();
        frozen.AddRange(new nn.Module?[] { stem, conv1, Norm1 }.OfType<nn.Module>());
        frozen.AddRange(layers.Take(frozenStages));
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

/// <summary>ResNet's size from its config: convolution weights only (norms add well under 1 %).</summary>
public partial class ResNetConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters()
    {
        var (body, fedByStem) = EstimateStageParameters();
        var stem = EstimateStemParameters() + fedByStem;
        return new ParameterEstimate(stem + body, stem > body ? "stem_channels" : "base_channels");
    }

    /// <summary>The stem's weights: one 7x7 convolution, or three 3x3 ones with deep_stem.</summary>
    protected virtual double EstimateStemParameters()
    {
        double input = InChannels, stem = StemChannels, half = StemChannels / 2;
        return DeepStem ? 9 * ((input * half) + (half * half) + (half * stem)) : 49 * input * stem;
    }

    // Mirrors the constructor's stage loop: a stage's first block changes the width (and gets a
    // 1x1 shortcut when it does), the others keep it. An unknown depth counts as 0: the
    // constructor refuses it anyway. The weights that read the stem's output grow with
    // stem_channels, so they are counted apart, to name the member that made the model large.
    private (double Body, double FedByStem) EstimateStageParameters()
    {
        (bool Bottleneck, int[] Blocks)? arch = Depth switch
        {
            18 => (false, [2, 2, 2, 2]),
            34 => (false, [3, 4, 6, 3]),
            50 => (true, [3, 4, 6, 3]),
            101 => (true, [3, 4, 23, 3]),
            152 => (true, [3, 8, 36, 3]),
            _ => null,
        };
        if (arch is not { } settings)
        {
            return (0, 0);
        }

        double expansion = Expansion ?? (settings.Bottleneck ? 4 : 1);
        double stageIn = StemChannels;
        var stageOut = BaseChannels * expansion;
        double total = 0, fedByStem = 0;
        for (var stage = 0; stage < Math.Clamp(NumStages, 0, 4); stage++)
        {
            var middle = Math.Max(1, Math.Floor(stageOut / expansion));
            for (var block = 0; block < settings.Blocks[stage]; block++)
            {
                var input = block == 0 ? stageIn : stageOut;
                var reading = (settings.Bottleneck ? input * middle : 9 * input * middle)
                    + (block == 0 && (stage > 0 || input != stageOut) ? input * stageOut : 0);
                var rest = settings.Bottleneck ? (9 * middle * middle) + (middle * stageOut) : 9 * middle * stageOut;
                if (stage == 0 && block == 0)
                {
                    fedByStem += reading;
                    total += rest;
                }
                else
                {
                    total += reading + rest;
                }
            }

            stageIn = stageOut;
            stageOut *= 2;
        }

        return (total, fedByStem);
    }
}
