using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// SE-ResNet (Hu et al., "Squeeze-and-Excitation Networks"), as mmpretrain's <c>SEResNet</c>:
/// ResNet whose bottlenecks (<see cref="SEBottleneck"/>) reweight their branch's channels with an
/// SE layer (<c>layerN.M.se_layer.conv1.conv</c>, <c>.conv2.conv</c>, with biases) before the
/// shortcut is added. The stem, stages, out_indices, frozen_stages, norm_eval and feature info are
/// ResNet's.
/// </summary>
[RegisterModel]
public partial class SEResNet : ResNet
{
    /// <summary>Creates the backbone; the parameters are mmpretrain's SEResNet arguments, with its defaults.</summary>
    /// <param name="depth">Network depth: 50, 101 or 152 (bottleneck blocks only).</param>
    /// <param name="seRatio">Squeeze ratio of each SE layer: a block's out channels are squeezed to make_divisible(out / se_ratio, 8).</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="stemChannels">Output channels of the stem.</param>
    /// <param name="baseChannels">Middle channels of the first stage; its output has base_channels * expansion, and each later stage doubles it.</param>
    /// <param name="expansion">Output / middle channels of each bottleneck; null for 4.</param>
    /// <param name="numStages">How many residual stages to build, 1 to 4.</param>
    /// <param name="strides">The stride of the first block of each stage; one item per stage.</param>
    /// <param name="dilations">The dilation of each stage; one item per stage.</param>
    /// <param name="outIndices">The stages (from 0) whose outputs are returned, each below num_stages.</param>
    /// <param name="style">"pytorch" puts a bottleneck's stride on its 3x3 conv, "caffe" on its first 1x1 conv.</param>
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
    public SEResNet(
        [OneOf(50, 101, 152)] int depth,
        [ValueRange(Minimum = 1)] int seRatio = 16,
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
        : base(new BottleneckOptions(SeRatio: seRatio), depth, inChannels, stemChannels, baseChannels, expansion, numStages, strides, dilations, outIndices, style, deepStem, avgDown, frozenStages, convCfg, normCfg, normEval, withCp, zeroInitResidual, initCfg, dropPathRate)
    {
        SeRatio = seRatio;
    }

    /// <summary>
    /// Creates SE-ResNeXt's backbone: <paramref name="config"/>'s arguments with grouped 3x3 convs,
    /// as mmpretrain's <c>SEResNeXt</c> passes groups and width_per_group to its blocks.
    /// </summary>
    /// <param name="config">The SEResNet arguments.</param>
    /// <param name="groups">Groups of each bottleneck's 3x3 conv.</param>
    /// <param name="widthPerGroup">Channels per group of the first stage's 3x3 convs; each later stage doubles it.</param>
    protected SEResNet(SEResNetConfig config, int groups, int widthPerGroup)
        : base(
            new BottleneckOptions(groups, widthPerGroup, (config ?? throw new ArgumentNullException(nameof(config))).SeRatio),
            config.Depth,
            config.InChannels,
            config.StemChannels,
            config.BaseChannels,
            config.Expansion,
            config.NumStages,
            config.Strides,
            config.Dilations,
            config.OutIndices,
            config.Style,
            config.DeepStem,
            config.AvgDown,
            config.FrozenStages,
            config.ConvCfg?.Build(),
            config.NormCfg?.Build(),
            config.NormEval,
            config.WithCp,
            config.ZeroInitResidual,
            config.InitCfg?.Select(initializer => initializer.Build()).ToArray(),
            config.DropPathRate)
    {
        SeRatio = config.SeRatio;
    }

    /// <summary>Squeeze ratio of each SE layer.</summary>
    public int SeRatio { get; }
}
