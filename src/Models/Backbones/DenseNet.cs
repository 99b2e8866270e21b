using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// DenseNet (Huang et al., "Densely Connected Convolutional Networks"), as mmpretrain's
/// <c>DenseNet</c>: <c>stem</c> (7x7 stride-2 conv without bias, norm, activation, 3x3 stride-2 max
/// pooling), then four dense blocks (<c>stages</c>), each followed by its entry of
/// <c>transitions</c>: a <see cref="DenseTransition"/> that compresses the channels and halves the
/// size after the first three, the final norm and activation after the last. An image batch
/// (N, in_channels, H, W) in; out, each stage in <c>out_indices</c> after its transition, shallowest
/// first, at H / 8, 16, 32, 32.
/// </summary>
/// <remarks>
/// The archs (growth rate, layers per block, stem channels): 121 (32; 6, 12, 24, 16; 64), 169 (32; 6,
/// 12, 32, 32; 64), 201 (32; 6, 12, 48, 32; 64), 161 (48; 6, 12, 36, 24; 96). Their last stages have
/// 1024, 1664, 1920 and 2208 channels.
/// </remarks>
[RegisterModel]
public partial class DenseNet : Backbone, IHasInitConfig, IHasFeatureInfo, IOnnxExportable
{
    private static readonly IReadOnlyDictionary<string, (int GrowthRate, int[] Depths, int InitChannels)> Archs =
        new Dictionary<string, (int, int[], int)>(StringComparer.Ordinal)
        {
            ["121"] = (32, [6, 12, 24, 16], 64),
            ["169"] = (32, [6, 12, 32, 32], 64),
            ["201"] = (32, [6, 12, 48, 32], 64),
            ["161"] = (48, [6, 12, 36, 24], 96),
        };

    // mmpretrain's attribute names, so they are the checkpoint keys (stem.0.weight,
    // stages.0.block.0.norm1.weight, transitions.0.conv.weight, transitions.3.0.weight).
    private readonly Sequential stem;
    private readonly ModuleList<DenseBlock> stages;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> transitions;

    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's DenseNet arguments, with its defaults.</summary>
    /// <param name="arch">"121", "161", "169" or "201".</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="bnSize">Each dense layer's 1x1 conv output over the growth rate.</param>
    /// <param name="dropRate">Dropout probability of each dense layer's output while training.</param>
    /// <param name="compressionFactor">Output over input channels of each transition (rounded down).</param>
    /// <param name="memoryEfficient">mmpretrain's checkpointing of the dense layers' bottlenecks, which trades memory for recomputation; accepted for configs and ignored: the result is the same.</param>
    /// <param name="normCfg">The norm layers; null is BN.</param>
    /// <param name="actCfg">The activation after each norm; null is ReLU.</param>
    /// <param name="outIndices">The stages whose outputs are returned, 0 ... 3, or counted from the end (-1 the last).</param>
    /// <param name="frozenStages">Stages whose blocks and transitions are not trained and stay in evaluation mode: k freezes the first k (the stem is never frozen, as in mmpretrain); 0 freezes nothing.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default: none, PyTorch's own initialisation.</param>
    public DenseNet(
        [OneOf("121", "161", "169", "201")] string arch = "121",
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [ValueRange(Minimum = 1)] int bnSize = 4,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropRate = 0,
        [ValueRange(0, 1, MinimumExclusive = true)] double compressionFactor = 0.5,
        bool memoryEfficient = false,
        NormLayerBuilder? normCfg = null,
        ActivationBuilder? actCfg = null,
        [DefaultItems(-1)][ValueRange(-4, 3)] int[]? outIndices = null,
        [ValueRange(0, 4)] int frozenStages = 0,
        Initializer[]? initCfg = null)
        : base(nameof(DenseNet))
    {
        if (!Archs.ContainsKey(arch))
        {
            throw new ConfigValueException("arch", arch, "one of \"121\", \"161\", \"169\", \"201\"");
        }

        if (dropRate is < 0 or >= 1 || double.IsNaN(dropRate))
        {
            throw new ConfigValueException("drop_rate", dropRate, ">= 0 and < 1");
        }

        if (compressionFactor is <= 0 or > 1 || double.IsNaN(compressionFactor))
        {
            throw new ConfigValueException("compression_factor", compressionFactor, "> 0 and <= 1");
        }

        var (growthRate, depths, initChannels) = ArchSettings(arch);
        var stageCount = depths.Length;

        // mmpretrain counts negative indices from the end.
        var requested = outIndices ?? [-1];
        for (var position = 0; position < requested.Length; position++)
        {
            if (requested[position] < -stageCount || requested[position] >= stageCount)
            {
                throw new ConfigValueException($"out_indices[{position}]", requested[position], $"between -{stageCount} and {stageCount - 1} (the stage count is {stageCount}; negative indices count from the end)");
            }
        }

        this.outIndices = StageIndices.Check([.. requested.Select(index => index < 0 ? stageCount + index : index)], stageCount, "the stage count");
        if (frozenStages < 0 || frozenStages > stageCount)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, $"between 0 and the stage count ({stageCount})");
        }

        Arch = arch;
        GrowthRate = growthRate;
        Depths = depths;
        MemoryEfficient = memoryEfficient;
        InitCfg = initCfg ?? [];
        this.frozenStages = frozenStages;

        var norm = normCfg ?? new BatchNormalization();
        var activation = actCfg ?? new ReLUActivation();
        InChannels = inChannels;
        stem = nn.Sequential(
            nn.Conv2d(inChannels, initChannels, 7, stride: 2, padding: 3, bias: false),
            norm.Create(initChannels),
            activation.Create(),
            nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1));

        var blocks = new DenseBlock[stageCount];
        var stageTransitions = new nn.Module<Tensor, Tensor>[stageCount];
        featureInfo = new FeatureInfo[stageCount];
        var channels = initChannels;
        var reduction = 4;
        for (var stage = 0; stage < stageCount; stage++)
        {
            blocks[stage] = new DenseBlock(depths[stage], channels, bnSize, growthRate, norm, activation, dropRate);
            channels = blocks[stage].OutChannels;
            if (stage < stageCount - 1)
            {
                var compressed = (int)Math.Floor(channels * compressionFactor);
                stageTransitions[stage] = new DenseTransition(channels, compressed, norm, activation);
                channels = compressed;
                reduction *= 2;
            }
            else
            {
                // The final norm and activation, which mmpretrain counts as the last transition
                // (torchvision's features.norm5 and the ReLU of its forward).
                stageTransitions[stage] = nn.Sequential(norm.Create(channels), activation.Create());
            }

            featureInfo[stage] = new FeatureInfo(channels, reduction, $"transitions.{stage}");
        }

        stages = nn.ModuleList(blocks);
        transitions = nn.ModuleList(stageTransitions);
        RegisterComponents();
        FreezeStages();
    }

    /// <summary>The arch name.</summary>
    public string Arch { get; }

    /// <summary>Channels each dense layer adds.</summary>
    public int GrowthRate { get; }

    /// <summary>Dense layers of each block.</summary>
    public IReadOnlyList<int> Depths { get; }

    /// <summary>The memory_efficient setting, which has no effect here.</summary>
    public bool MemoryEfficient { get; }

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <inheritdoc />
    public int InChannels { get; }

    /// <summary>One entry per stage, each after its transition.</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var features = stem.call(input);
        var outputs = new List<Tensor>(outIndices.Length);
        for (var stage = 0; stage < stages.Count; stage++)
        {
            features = transitions[stage].call(stages[stage].call(features));
            if (outIndices.Contains(stage))
            {
                outputs.Add(features);
            }
        }

        return [.. outputs.Select(output => output.MoveToOuterDisposeScope())];
    }

    /// <summary>The stem, then each dense block and its transition; the outputs of the stages in out_indices.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var features = graph.Export(stem, inputs[0]);
        var outputs = new List<string>(outIndices.Length);
        for (var stage = 0; stage < stages.Count; stage++)
        {
            features = graph.Chain(features, stages[stage], transitions[stage]);
            if (outIndices.Contains(stage))
            {
                outputs.Add(features);
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

    /// <summary>
    /// The growth rate, layers per block and stem channels of <paramref name="arch"/>, from
    /// mmpretrain's table. Read inside the constructor, so an override (another arch, as mmpretrain
    /// also takes one as a dict) returns constants.
    /// </summary>
    protected virtual (int GrowthRate, int[] Depths, int InitChannels) ArchSettings(string arch)
    {
        var (growthRate, depths, initChannels) = Archs[arch];
        return (growthRate, depths.ToArray(), initChannels);
    }

    private void FreezeStages()
    {
        for (var stage = 0; stage < frozenStages; stage++)
        {
            foreach (var module in new nn.Module[] { stages[stage], transitions[stage] })
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
