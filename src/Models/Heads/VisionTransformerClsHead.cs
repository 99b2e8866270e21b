using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Heads;

/// <summary>
/// mmpretrain's <c>VisionTransformerClsHead</c>: a linear classifier on the last feature, a
/// vision transformer's class token (N, in_channels) to class scores (N, num_classes); with
/// hidden_dim, a pre-logits layer and an activation (tanh) before it, as the ViT paper's
/// pre-training head. Keys <c>layers.head</c>, and <c>layers.pre_logits</c> with hidden_dim.
/// </summary>
/// <remarks>
/// The sample plugin SeedExamples ships its own head of this name (the seed's example: fc1, tanh,
/// fc2 on the class token). This one holds the name in every host; with the plugin loaded, the
/// plugin's is <c>SeedExamples.VisionTransformerClsHead</c> (see docs/plugins.md).
/// </remarks>
[RegisterModel]
public partial class VisionTransformerClsHead : ClsHead, IHasInitConfig
{
    // mmpretrain's attribute name: the keys are layers.pre_logits.* and layers.head.*.
    private Sequential layers;

    // The layers' parts, held in a tuple so that TorchSharp does not register them a second time
    // under their own names when the classifier registers this head (it registers every
    // module-typed field then).
    private (Linear Head, Linear? PreLogits, nn.Module<Tensor, Tensor>? Act) parts;
    private readonly Initializer[] initCfg;

    /// <summary>Creates the head; loss, topk, cal_acc and init_cfg are ClsHead's.</summary>
    /// <param name="config">ClsHead's arguments; a null init_cfg means mmpretrain's Constant(layer='Linear', val=0).</param>
    /// <param name="numClasses">How many classes to score.</param>
    /// <param name="inChannels">Width of the class token.</param>
    /// <param name="hiddenDim">Width of the pre-logits layer; null for none (the class token goes straight to the classifier).</param>
    /// <param name="actCfg">The activation after the pre-logits layer; null is Tanh.</param>
    public VisionTransformerClsHead(
        ClsHeadConfig config,
        [ValueRange(Minimum = 1)] int numClasses,
        [ValueRange(Minimum = 1)] int inChannels,
        [ValueRange(Minimum = 1)] int? hiddenDim = null,
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

        if (hiddenDim < 1)
        {
            throw new ConfigValueException("hidden_dim", hiddenDim, "null or >= 1");
        }

        initCfg = config.InitCfg is null ? [new ConstantInit(val: 0, layer: ["Linear"])] : [.. base.InitCfg];
        NumClasses = numClasses;
        InChannels = inChannels;
        HiddenDim = hiddenDim;
        parts = hiddenDim is { } hidden
            ? (nn.Linear(hidden, numClasses), nn.Linear(inChannels, hidden), (actCfg ?? new TanhActivation()).Create())
            : (nn.Linear(inChannels, numClasses), null, null);
        layers = BuildLayers();

        // Registered by hand, as LinearClsHead's fc, so that the parts are registered only inside it.
        register_module(nameof(layers), layers);
    }

    /// <summary>How many classes the head scores.</summary>
    public int NumClasses { get; private set; }

    /// <summary>Width of the input class token.</summary>
    public int InChannels { get; }

    /// <summary>Width of the pre-logits layer, or null without one.</summary>
    public int? HiddenDim { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Initializer> InitCfg => initCfg;

    /// <summary>The class token of the last feature, through the pre-logits layer and activation when hidden_dim is set: (N, hidden_dim or in_channels).</summary>
    public override Tensor PreLogits(IReadOnlyList<Tensor> feats)
    {
        ArgumentNullException.ThrowIfNull(feats);
        return PreLogitsOf(feats[^1]);
    }

    /// <summary>Class scores: layers.head applied to <see cref="PreLogits"/>, (N, num_classes).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> input)
    {
        using var scope = torch.NewDisposeScope();
        return parts.Head.call(PreLogits(input)).MoveToOuterDisposeScope();
    }

    /// <summary>layers (the pre-logits layer and activation with hidden_dim, then head) on the last feature, as <c>forward</c>.</summary>
    public override IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        return [graph.Export(layers, inputs[^1])];
    }

    /// <summary>
    /// mmpretrain's <c>init_weights</c> after the initializers: the pre-logits layer (LeCun normal)
    /// from N(0, 1 / in_channels) truncated to [-2, 2], zero bias.
    /// </summary>
    public void OnWeightsInitialized()
    {
        if (parts.PreLogits is not { } preLogits)
        {
            return;
        }

        WeightFill.TruncNormal(preLogits.weight!, 0, Math.Sqrt(1.0 / InChannels), -2, 2);
        using var noGrad = torch.no_grad();
        preLogits.bias!.zero_();
    }

    /// <summary>
    /// Replaces layers.head with a fresh one for <paramref name="numClasses"/> classes on its device
    /// and dtype, initialised by the head's init_cfg (by default zeros); the pre-logits layer keeps its weights.
    /// </summary>
    public override void ResetClassifier(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        var old = parts.Head;
        parts.Head = NewClassifierLayer(numClasses, old);
        RebuildLayers();
        NumClasses = numClasses;
        old.Dispose();
        WeightInitialization.Reinitialize(this, $"{nameof(layers)}.head");
    }

    /// <summary>The classifier layer <c>layers.head</c>.</summary>
    protected Linear HeadLayer => parts.Head;

    /// <summary>
    /// <paramref name="token"/> through the pre-logits layer and activation when hidden_dim is set,
    /// over its last dimension: (..., in_channels) to (..., hidden_dim); the token itself otherwise.
    /// </summary>
    protected Tensor PreLogitsOf(Tensor token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (parts.PreLogits is null)
        {
            return token;
        }

        using var hidden = parts.PreLogits.call(token);
        return parts.Act!.call(hidden);
    }

    /// <summary>
    /// <see cref="PreLogitsOf"/> in an ONNX graph: <paramref name="token"/> through the pre-logits
    /// layer and activation when hidden_dim is set, over its last dimension; the token itself otherwise.
    /// </summary>
    /// <returns>The output's value.</returns>
    protected string ExportPreLogitsOf(OnnxGraphBuilder graph, string token)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return parts.PreLogits is null ? token : graph.Chain(token, parts.PreLogits, parts.Act);
    }

    /// <summary>
    /// The layers after layers.head in the <c>layers</c> container, by name; none here. A derived
    /// head adds its own (DeiT's head_dist), then calls <see cref="RebuildLayers"/>.
    /// </summary>
    protected virtual IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer)> ExtraClassifierLayers() => [];

    /// <summary>A fresh (hidden_dim or in_channels, <paramref name="numClasses"/>) classifier layer on <paramref name="like"/>'s device and dtype.</summary>
    protected Linear NewClassifierLayer(int numClasses, Linear like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return nn.Linear(HiddenDim ?? InChannels, numClasses).to(like.weight!.device, like.weight.dtype);
    }

    /// <summary>Registers the <c>layers</c> container anew from the current parts and <see cref="ExtraClassifierLayers"/>.</summary>
    protected void RebuildLayers()
    {
        register_module(nameof(layers), null!); // TorchSharp's way to unregister a submodule
        layers = BuildLayers();
        register_module(nameof(layers), layers);
    }

    private Sequential BuildLayers()
    {
        var entries = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (parts.PreLogits is not null)
        {
            entries.Add(("pre_logits", parts.PreLogits));
            entries.Add(("act", parts.Act!));
        }

        entries.Add(("head", parts.Head));
        entries.AddRange(ExtraClassifierLayers());
        return nn.Sequential([.. entries]);
    }
}

/// <summary>The head's size from its config: the pre-logits layer's and the classifier's weights and biases.</summary>
public partial class VisionTransformerClsHeadConfig : IParameterEstimate
{
    /// <inheritdoc />
    public virtual ParameterEstimate EstimateParameters()
    {
        var width = HiddenDim ?? InChannels;
        var preLogits = HiddenDim is { } hidden ? ((double)InChannels + 1) * hidden : 0;
        var classifier = ((double)width + 1) * NumClasses;
        return new ParameterEstimate(preLogits + classifier, classifier >= preLogits ? (NumClasses >= width ? "num_classes" : HiddenDim is null ? "in_channels" : "hidden_dim") : "hidden_dim");
    }
}
