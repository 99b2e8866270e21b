using ImageClassifier.Models.Initialization;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Heads;

/// <summary>
/// A linear classifier on the last feature: (N, in_channels) to class scores (N, num_classes).
/// With init_cfg null its init_cfg is mmpretrain's default, Normal(layer='Linear', std=0.01):
/// weights from N(0, 0.01²), zero bias, applied by weight initialisation.
/// </summary>
[RegisterModel]
public partial class LinearClsHead : ClsHead
{
    // "fc" is mmpretrain's attribute name, so it is the checkpoint key (head.fc.weight, head.fc.bias).
    private Linear fc;
    private readonly Initializer[] initCfg;

    /// <summary>Creates the head; loss, topk, cal_acc and init_cfg are ClsHead's.</summary>
    /// <param name="config">ClsHead's arguments; a null init_cfg means Normal(layer='Linear', std=0.01).</param>
    /// <param name="numClasses">How many classes to score.</param>
    /// <param name="inChannels">Width of the input feature.</param>
    public LinearClsHead(
        ClsHeadConfig config,
        [ValueRange(Minimum = 1)] int numClasses,
        [ValueRange(Minimum = 1)] int inChannels)
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

        initCfg = config.InitCfg is null ? DefaultInitCfg.LinearClsHead() : [.. base.InitCfg];
        NumClasses = numClasses;
        InChannels = inChannels;
        fc = nn.Linear(inChannels, numClasses);

        // Registered by hand, not with RegisterComponents(), so that heads derived from this one
        // can still register their own fields with it.
        register_module(nameof(fc), fc);
    }

    /// <summary>How many classes the head scores.</summary>
    public int NumClasses { get; private set; }

    /// <summary>Width of the input feature.</summary>
    public int InChannels { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Initializer> InitCfg => initCfg;

    /// <summary>Class scores: fc applied to <see cref="Head.PreLogits"/>, (N, num_classes).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> input) => fc.call(PreLogits(input));

    /// <summary>fc on the last feature; a head that derives from this one and overrides its pre-logits overrides this too.</summary>
    public override IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        OnnxOverrideCheck.RequireExportBeside(graph, this, nameof(PreLogits), nameof(ExportOnnx));
        return [graph.Export(fc, inputs[^1])];
    }

    /// <summary>
    /// Replaces fc with a fresh (in_channels, <paramref name="numClasses"/>) layer on fc's device
    /// and dtype, initialised by the head's init_cfg (by default N(0, 0.01²) weights, zero bias).
    /// </summary>
    public override void ResetClassifier(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        var old = fc;
        var replacement = nn.Linear(InChannels, numClasses).to(old.weight!.device, old.weight.dtype);
        register_module(nameof(fc), null!); // TorchSharp's way to unregister a submodule
        register_module(nameof(fc), replacement);
        fc = replacement;
        NumClasses = numClasses;
        old.Dispose();
        WeightInitialization.Reinitialize(this, nameof(fc));
    }
}

/// <summary>The head's size from its config: fc's weight and bias.</summary>
public partial class LinearClsHeadConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters() =>
        new(((double)InChannels + 1) * NumClasses, NumClasses >= InChannels ? "num_classes" : "in_channels");
}
