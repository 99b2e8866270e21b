using ImageClassifier;
using TorchSharp;
using static TorchSharp.torch;
using BatchNorm2d = ImageClassifier.Models.Layers.BatchNorm2d;

namespace MyPlugin.Backbones;

/// <summary>
/// A small convolutional backbone: a 3x3 stem, then stages of two 3x3 conv-BN-ReLU layers, each
/// stage after the first halving the resolution and doubling the channels.
/// </summary>
/// <remarks>
/// <c>[RegisterModel]</c> is all the registration there is: the generator writes
/// <c>MyPluginNetConfig</c> (the JSON config, with these parameters in snake_case), the factory
/// and the assembly's registry entry, and checks every config that names this backbone.
/// </remarks>
[RegisterModel]
public sealed class MyPluginNet : Backbone
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly nn.Module<Tensor, Tensor>[] stages;
    private readonly int[] outIndices;

    /// <summary>Creates the backbone.</summary>
    /// <param name="inChannels">Channels of the input images: 1 for greyscale, 3 for colour.</param>
    /// <param name="baseChannels">Channels of the stem and the first stage; each later stage doubles them.</param>
    /// <param name="numStages">How many stages follow the stem.</param>
    /// <param name="outIndices">The stages (0 ... num_stages - 1) whose outputs are returned; null is the last.</param>
    public MyPluginNet(
        [ValueRange(1, 16)] int inChannels = 3,
        [ValueRange(1, 1024)] int baseChannels = 16,
        [ValueRange(1, 5)] int numStages = 3,
        [ValueRange(0, 4)] int[]? outIndices = null)
        : base(nameof(MyPluginNet))
    {
        this.outIndices = outIndices ?? [numStages - 1];
        foreach (var index in this.outIndices)
        {
            if (index >= numStages)
            {
                throw new ConfigValueException("out_indices", index, $"a stage index below num_stages ({numStages})");
            }
        }

        stem = ConvBnRelu(inChannels, baseChannels, stride: 1);
        stages = new nn.Module<Tensor, Tensor>[numStages];
        var channels = baseChannels;
        for (var stage = 0; stage < numStages; stage++)
        {
            var outChannels = stage == 0 ? baseChannels : channels * 2;
            stages[stage] = nn.Sequential(
                ConvBnRelu(channels, outChannels, stride: stage == 0 ? 1 : 2),
                ConvBnRelu(outChannels, outChannels, stride: 1));
            channels = outChannels;
            register_module($"layer{stage + 1}", stages[stage]);
        }

        OutChannels = channels;
        RegisterComponents();
    }

    /// <summary>Channels of the last stage's output.</summary>
    public int OutChannels { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        var outputs = new List<Tensor>(outIndices.Length);
        var features = stem.call(input);
        for (var stage = 0; stage < stages.Length; stage++)
        {
            var next = stages[stage].call(features);
            features.Dispose();
            features = next;
            if (outIndices.Contains(stage))
            {
                outputs.Add(features.alias());
            }
        }

        features.Dispose();
        return outputs;
    }

    // BatchNorm2d from ImageClassifier.Models rather than nn.BatchNorm2d, which hands libtorch a
    // temporary native scalar every forward (analyzer ICG022 says why that crashes long runs).
    private static nn.Module<Tensor, Tensor> ConvBnRelu(int inChannels, int outChannels, int stride) => nn.Sequential(
        ("conv", nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: false)),
        ("bn", new BatchNorm2d(outChannels)),
        ("relu", nn.ReLU(inplace: true)));
}
