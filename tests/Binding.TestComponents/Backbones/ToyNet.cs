using ImageClassifier;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Binding.TestComponents.Backbones;

/// <summary>
/// A small convolutional backbone: a stem, then <c>depth</c> stages that each halve the resolution
/// and double the channels. Images (N, C, H, W) in, the maps of the stages in <c>out_indices</c> out.
/// </summary>
[RegisterModel(Aliases = ["toy_net"])]
public partial class ToyNet : Backbone
{
    private readonly Sequential stem;
    private readonly ModuleList<Sequential> stages;
    private readonly int[] outIndices;

    /// <summary>Creates the backbone.</summary>
    /// <param name="depth">How many stages: 1, 2 or 4.</param>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="baseChannels">Channels of the stem and the first stage; each later stage doubles them.</param>
    /// <param name="outIndices">The stages (from 0) whose outputs are returned.</param>
    /// <param name="style">Where a stage strides: "pytorch" in its conv, "caffe" in a pooling after it.</param>
    /// <param name="deepStem">Use two 3x3 convs in the stem instead of one.</param>
    /// <param name="dropRate">Dropout on each stage output, in [0, 1).</param>
    /// <param name="frozenStages">How many stages are not trained; none when null.</param>
    public ToyNet(
        [OneOf(1, 2, 4)] int depth,
        [ValueRange(Minimum = 1)] int inChannels = 3,
        [ValueRange(1, 64)] int baseChannels = 4,
        [DefaultItems(0)][ValueRange(0, 3)] int[]? outIndices = null,
        [OneOf("pytorch", "caffe")] string style = "pytorch",
        bool deepStem = false,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropRate = 0.0,
        int? frozenStages = null)
        : base(nameof(ToyNet))
    {
        this.outIndices = outIndices ?? [0];
        foreach (var index in this.outIndices)
        {
            if (index >= depth)
            {
                throw new ArgumentException($"out_indices holds stage {index}, but a ToyNet of depth {depth} has stages 0 to {depth - 1}.", nameof(outIndices));
            }
        }

        if (style == "caffe" && deepStem)
        {
            throw new ArgumentException("the caffe style has no deep stem.");
        }

        stem = MakeStem(inChannels, baseChannels, deepStem);
        stages = new ModuleList<Sequential>();
        var channels = baseChannels;
        for (var stage = 0; stage < depth; stage++)
        {
            var conv = style == "caffe"
                ? nn.Conv2d(channels, channels * 2, kernel_size: 3, padding: 1)
                : nn.Conv2d(channels, channels * 2, kernel_size: 3, stride: 2, padding: 1);
            var pool = style == "caffe" ? (nn.Module<Tensor, Tensor>)nn.MaxPool2d(2) : nn.Identity();
            stages.Add(nn.Sequential(conv, nn.ReLU(), pool, nn.Dropout(dropRate)));
            channels *= 2;
        }

        FrozenStages = frozenStages;
        RegisterComponents();
    }

    /// <summary>How many stages are not trained; null when all are.</summary>
    public int? FrozenStages { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        var outputs = new List<Tensor>();
        var x = stem.call(input);
        for (var stage = 0; stage < stages.Count; stage++)
        {
            x = stages[stage].call(x);
            if (outIndices.Contains(stage))
            {
                outputs.Add(x);
            }
        }

        return outputs;
    }

    /// <summary>The stem: (N, in, H, W) to (N, channels, H, W); variants override it.</summary>
    protected virtual Sequential MakeStem(int inChannels, int channels, bool deepStem) => deepStem
        ? nn.Sequential(nn.Conv2d(inChannels, channels, kernel_size: 3, padding: 1), nn.ReLU(), nn.Conv2d(channels, channels, kernel_size: 3, padding: 1), nn.ReLU())
        : nn.Sequential(nn.Conv2d(inChannels, channels, kernel_size: 5, padding: 2), nn.ReLU());
}
