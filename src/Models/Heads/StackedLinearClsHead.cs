using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Heads;

/// <summary>
/// A classifier of stacked linear layers on the last feature: one hidden <see cref="LinearBlock"/>
/// (fc, optional norm, activation, optional dropout) per mid_channels entry, then a plain linear
/// block to the class scores, (N, in_channels) to (N, num_classes).
/// </summary>
[RegisterModel]
public sealed class StackedLinearClsHead : ClsHead
{
    // "layers" is mmpretrain's attribute name: the keys are layers.0.fc.weight, ..., and the
    // classifier is the last block (layers.{len(mid_channels)}.fc), which mmpretrain calls fc.
    private ModuleList<LinearBlock> layers;

    /// <summary>Creates the head; loss, topk, cal_acc and init_cfg are ClsHead's.</summary>
    /// <param name="config">ClsHead's arguments.</param>
    /// <param name="numClasses">How many classes to score.</param>
    /// <param name="inChannels">Width of the input feature.</param>
    /// <param name="midChannels">Width of each hidden layer, in order; at least one.</param>
    /// <param name="dropoutRate">Dropout after each hidden layer; none when 0.</param>
    /// <param name="normCfg">A normalisation after each hidden fc (mmcv's norm_cfg); none when null.</param>
    /// <param name="actCfg">The activation after each hidden layer (mmcv's act_cfg); ReLU, mmpretrain's default, when null.</param>
    public StackedLinearClsHead(
        ClsHeadConfig config,
        [ValueRange(Minimum = 1)] int numClasses,
        [ValueRange(Minimum = 1)] int inChannels,
        [ValueRange(Minimum = 1)] int[] midChannels,
        [ValueRange(0, 1, MaximumExclusive = true)] double dropoutRate = 0,
        NormLayerBuilder? normCfg = null,
        ActivationBuilder? actCfg = null)
        : base(config)
    {
        if (numClasses < 1)
        {
            throw new ConfigValueException("num_classes", numClasses, ">= 1");
        }

        if (inChannels < 1)
        {
            throw new ConfigValueException("in_channels", inChannels, ">= 1");
        }

        if (midChannels is null || midChannels.Length == 0)
        {
            throw new ConfigValueException("mid_channels", midChannels, "a non-empty list of widths");
        }

        for (var index = 0; index < midChannels.Length; index++)
        {
            if (midChannels[index] < 1)
            {
                throw new ConfigValueException($"mid_channels[{index}]", midChannels[index], ">= 1");
            }
        }

        if (!(dropoutRate >= 0 && dropoutRate < 1))
        {
            throw new ConfigValueException("dropout_rate", dropoutRate, ">= 0 and < 1");
        }

        NumClasses = numClasses;
        InChannels = inChannels;
        MidChannels = [.. midChannels];
        var blocks = new List<LinearBlock>();
        var width = inChannels;
        foreach (var hidden in midChannels)
        {
            var act = actCfg is null ? nn.ReLU() : actCfg.Create();
            blocks.Add(new LinearBlock(width, hidden, dropoutRate, normCfg?.Create(hidden), act));
            width = hidden;
        }

        blocks.Add(new LinearBlock(width, numClasses));
        layers = nn.ModuleList([.. blocks]);
        RegisterComponents();
    }

    /// <summary>How many classes the head scores.</summary>
    public int NumClasses { get; private set; }

    /// <summary>Width of the input feature.</summary>
    public int InChannels { get; }

    /// <summary>Width of each hidden layer.</summary>
    public IReadOnlyList<int> MidChannels { get; }

    /// <summary>The last feature through every hidden block: (N, mid_channels[-1]).</summary>
    public override Tensor PreLogits(IReadOnlyList<Tensor> feats)
    {
        ArgumentNullException.ThrowIfNull(feats);
        var features = feats[^1];
        for (var index = 0; index < layers.Count - 1; index++)
        {
            features = layers[index].call(features);
        }

        return features;
    }

    /// <summary>Class scores: the last block applied to <see cref="PreLogits"/>, (N, num_classes).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> input) => layers[^1].call(PreLogits(input));

    /// <summary>The blocks in turn on the last feature.</summary>
    public override IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Chain(inputs[^1], layers)];
    }

    /// <summary>
    /// Replaces the last block with a fresh (mid_channels[-1], <paramref name="numClasses"/>)
    /// linear block on the old block's device and dtype, initialised by the head's init_cfg or,
    /// without one (mmpretrain's default here), PyTorch's default; the hidden blocks keep their weights.
    /// </summary>
    public override void ResetClassifier(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        var old = layers[^1];
        var weight = old.Fc.weight!;
        var replacement = new LinearBlock(MidChannels[^1], numClasses).to(weight.device, weight.dtype);
        var blocks = layers.Take(layers.Count - 1).Append(replacement).ToArray();

        // A ModuleList registers its items once, so the list is rebuilt rather than edited.
        register_module(nameof(layers), null!); // TorchSharp's way to unregister a submodule
        layers = nn.ModuleList(blocks);
        register_module(nameof(layers), layers);
        NumClasses = numClasses;
        old.Dispose();
        WeightInitialization.Reinitialize(this, $"{nameof(layers)}.{blocks.Length - 1}");
    }
}

/// <summary>The head's size from its config: each linear layer's weight and bias.</summary>
public partial class StackedLinearClsHeadConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters()
    {
        List<(double Width, string Member)> widths = [(InChannels, "in_channels"), .. (MidChannels ?? []).Select(width => ((double)width, "mid_channels")), (NumClasses, "num_classes")];
        double total = 0;
        for (var layer = 1; layer < widths.Count; layer++)
        {
            total += (widths[layer - 1].Width + 1) * widths[layer].Width;
        }

        return new ParameterEstimate(total, widths.MaxBy(entry => entry.Width).Member);
    }
}
