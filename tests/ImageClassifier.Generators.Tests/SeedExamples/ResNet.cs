using ImageClassifier;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seed.Backbones;

/// <summary>
/// ResNet backbone (He et al., "Deep Residual Learning for Image Recognition"): a stem, then up to
/// four stages of residual blocks. An image batch (N, C, H, W) in, the feature map of each stage
/// listed in <c>out_indices</c> out.
/// </summary>
[RegisterModel]
public partial class ResNet : Backbone
{
    private static readonly Dictionary<int, (bool Bottleneck, int[] Blocks)> Architectures = new()
    {
        [18] = (false, [2, 2, 2, 2]),
        [34] = (false, [3, 4, 6, 3]),
        [50] = (true, [3, 4, 6, 3]),
        [101] = (true, [3, 4, 23, 3]),
        [152] = (true, [3, 8, 36, 3]),
    };

    // Field names are mmpretrain's (norm1 is named bn1), so they are the checkpoint keys. The
    // stem fields are protected: variants replace the stem (ResNet_CIFAR).
    protected nn.Module<Tensor, Tensor>? stem;
    protected Conv2d? conv1;
    protected BatchNorm2d? bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential[] layers;
    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly bool normEval;

    /// <summary>Creates the backbone; the parameters are mmpretrain's ResNet arguments.</summary>
    /// <param name="depth">Network depth: 18, 34, 50, 101 or 152.</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="stemChannels">Output channels of the stem.</param>
    /// <param name="baseChannels">Middle channels of the first stage; each later stage doubles them.</param>
    /// <param name="numStages">How many residual stages to build.</param>
    /// <param name="strides">The stride of the first block of each stage.</param>
    /// <param name="dilations">The dilation of each stage.</param>
    /// <param name="outIndices">The stages (from 0) whose outputs are returned.</param>
    /// <param name="style">"pytorch" strides in the 3x3 conv of a bottleneck, "caffe" in the first 1x1.</param>
    /// <param name="deepStem">Replace the 7x7 stem conv with three 3x3 convs.</param>
    /// <param name="avgDown">Downsample shortcuts with average pooling before their 1x1 conv.</param>
    /// <param name="frozenStages">Stages (stem first, as stage 0) whose parameters are not trained; -1 freezes none.</param>
    /// <param name="normEval">Keep batch norms in evaluation mode while training.</param>
    /// <param name="zeroInitResidual">Start each block's last batch norm at zero, so that each block starts as the identity.</param>
    /// <param name="dropPathRate">Stochastic depth rate of the last block, growing linearly from 0 over the blocks.</param>
    public ResNet(
        [OneOf(18, 34, 50, 101, 152)] int depth,
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [ValueRange(Minimum = 1)] int stemChannels = 64,
        [ValueRange(Minimum = 1)] int baseChannels = 64,
        [ValueRange(1, 4)] int numStages = 4,
        [DefaultItems(1, 2, 2, 2)][ValueRange(Minimum = 1)] int[]? strides = null,
        [DefaultItems(1, 1, 1, 1)][ValueRange(Minimum = 1)] int[]? dilations = null,
        [DefaultItems(3)][ValueRange(0, 3)] int[]? outIndices = null,
        [OneOf("pytorch", "caffe")] string style = "pytorch",
        bool deepStem = false,
        bool avgDown = false,
        [ValueRange(-1, 4)] int frozenStages = -1,
        bool normEval = false,
        bool zeroInitResidual = true,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropPathRate = 0.0)
        : base(nameof(ResNet))
    {
        if (!Architectures.TryGetValue(depth, out var architecture))
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be one of 18, 34, 50, 101, 152.");
        }

        strides ??= [1, 2, 2, 2];
        dilations ??= [1, 1, 1, 1];
        this.outIndices = outIndices ?? [3];
        if (strides.Length < numStages || dilations.Length < numStages)
        {
            throw new ArgumentException($"strides and dilations need {numStages} items, one per stage.", nameof(strides));
        }

        if (this.outIndices.Any(index => index < 0 || index >= numStages))
        {
            throw new ArgumentOutOfRangeException(nameof(outIndices), string.Join(", ", this.outIndices), $"out_indices must lie in [0, {numStages}).");
        }

        this.frozenStages = frozenStages;
        this.normEval = normEval;
        MakeStemLayer(inChannels, stemChannels, deepStem);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);

        var expansion = architecture.Bottleneck ? 4 : 1;
        var totalBlocks = architecture.Blocks.Take(numStages).Sum();
        var blockIndex = 0;
        var channels = stemChannels;
        layers = new Sequential[numStages];
        for (var stage = 0; stage < numStages; stage++)
        {
            var outChannels = baseChannels * expansion * (1 << stage);
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (var block = 0; block < architecture.Blocks[stage]; block++)
            {
                var stride = block == 0 ? strides[stage] : 1;
                var downsample = block == 0 && (stride != 1 || channels != outChannels) ? Downsample(channels, outChannels, stride, avgDown) : null;
                var rate = totalBlocks > 1 ? dropPathRate * blockIndex / (totalBlocks - 1) : 0;
                blocks.Add(architecture.Bottleneck
                    ? new Bottleneck(channels, outChannels, stride, dilations[stage], style, downsample, rate)
                    : new BasicBlock(channels, outChannels, stride, dilations[stage], downsample, rate));
                channels = outChannels;
                blockIndex++;
            }

            layers[stage] = nn.Sequential(blocks);
            register_module($"layer{stage + 1}", layers[stage]);
        }

        RegisterComponents();
        if (zeroInitResidual)
        {
            using var noGrad = torch.no_grad();
            foreach (var block in layers.SelectMany(layer => layer.children()).OfType<ResidualBlock>())
            {
                block.LastNorm.weight!.zero_();
            }
        }

        FreezeStages();
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var features = ForwardStem(input);
        var outputs = new List<Tensor>();
        for (var stage = 0; stage < layers.Length; stage++)
        {
            features = layers[stage].call(features);
            if (outIndices.Contains(stage))
            {
                outputs.Add(features);
            }
        }

        return [.. outputs.Select(output => output.MoveToOuterDisposeScope())];
    }

    /// <inheritdoc />
    public override void train(bool on = true)
    {
        base.train(on);
        FreezeStages();
        if (on && normEval)
        {
            foreach (var (_, module) in named_modules())
            {
                if (module is BatchNorm2d norm)
                {
                    norm.eval();
                }
            }
        }
    }

    /// <summary>Builds the stem: a 7x7 stride-2 conv, or three 3x3 convs with <paramref name="deepStem"/>.</summary>
    protected virtual void MakeStemLayer(int inChannels, int stemChannels, bool deepStem)
    {
        if (deepStem)
        {
            stem = nn.Sequential(
                nn.Conv2d(inChannels, stemChannels / 2, kernel_size: 3, stride: 2, padding: 1, bias: false),
                nn.BatchNorm2d(stemChannels / 2),
                nn.ReLU(),
                nn.Conv2d(stemChannels / 2, stemChannels / 2, kernel_size: 3, padding: 1, bias: false),
                nn.BatchNorm2d(stemChannels / 2),
                nn.ReLU(),
                nn.Conv2d(stemChannels / 2, stemChannels, kernel_size: 3, padding: 1, bias: false),
                nn.BatchNorm2d(stemChannels),
                nn.ReLU());
            return;
        }

        conv1 = nn.Conv2d(inChannels, stemChannels, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(stemChannels);
    }

    /// <summary>Runs the stem and the max pooling after it: (N, C, H, W) to (N, stem, H/4, W/4).</summary>
    protected virtual Tensor ForwardStem(Tensor input)
    {
        var features = stem is not null ? stem.call(input) : nn.functional.relu(bn1!.call(conv1!.call(input)));
        return maxpool.call(features);
    }

    private static Sequential Downsample(int inChannels, int outChannels, int stride, bool avgDown)
    {
        if (avgDown && stride != 1)
        {
            return nn.Sequential(
                nn.AvgPool2d(kernel_size: stride, stride: stride, ceil_mode: true, count_include_pad: false),
                nn.Conv2d(inChannels, outChannels, kernel_size: 1, bias: false),
                nn.BatchNorm2d(outChannels));
        }

        return nn.Sequential(
            nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: false),
            nn.BatchNorm2d(outChannels));
    }

    private void FreezeStages()
    {
        if (frozenStages < 0)
        {
            return;
        }

        var frozen = new List<nn.Module>();
        frozen.AddRange(new nn.Module?[] { stem, conv1, bn1 }.OfType<nn.Module>());
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
