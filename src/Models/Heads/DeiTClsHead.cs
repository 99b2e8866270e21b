using ImageClassifier.Models.Initialization;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Heads;

/// <summary>
/// mmpretrain's <c>DeiTClsHead</c>, the distilled DeiT's head: <see cref="VisionTransformerClsHead"/>
/// with a second classifier, <c>layers.head_dist</c>, on the distillation token. It reads the last
/// feature of <see cref="Backbones.DistilledVisionTransformer"/> with out_type "cls_token", the
/// class and distillation tokens as (N, in_channels, 2); each token goes through the pre-logits
/// layer when hidden_dim is set, then the class scores are the mean of layers.head on the class
/// token and layers.head_dist on the distillation token, (N, num_classes). Keys
/// <c>layers.head</c>, <c>layers.head_dist</c>, and <c>layers.pre_logits</c> with hidden_dim.
/// </summary>
/// <remarks>
/// Training is mmpretrain's: it trains this head without a teacher (it only warns that it cannot
/// train the distilled DeiT), the loss being the classification loss of the mean scores. The same
/// warning is written once to <see cref="Log"/> on the first training forward.
/// </remarks>
[RegisterModel]
public partial class DeiTClsHead : VisionTransformerClsHead
{
    // Held in a tuple, as the base head's parts, so that TorchSharp registers head_dist only inside
    // the layers container (layers.head_dist, mmpretrain's key). Null while the base constructor runs.
    private (Linear? Layer, bool Warned) distillation;

    /// <summary>Creates the head; the parameters are VisionTransformerClsHead's, with its defaults (init_cfg zeroes both classifiers).</summary>
    /// <param name="config">VisionTransformerClsHead's arguments: num_classes, in_channels, hidden_dim, act_cfg and ClsHead's.</param>
    public DeiTClsHead(VisionTransformerClsHeadConfig config)
        : base(config)
    {
        distillation = (NewClassifierLayer(NumClasses, HeadLayer), false);
        RebuildLayers();
    }

    /// <summary>Where the training warning is written; standard error when null, so that standard output stays the program's.</summary>
    public TextWriter? Log { get; set; }

    /// <summary>The distillation classifier <c>layers.head_dist</c>.</summary>
    public Linear HeadDist => distillation.Layer!;

    /// <summary>
    /// Both tokens of the last feature through the pre-logits layer and activation when hidden_dim is
    /// set: (N, hidden_dim or in_channels, 2), the class token at index 0 of the last dimension.
    /// </summary>
    /// <exception cref="ArgumentException">The last feature is not a (N, in_channels, 2) pair of tokens.</exception>
    public override Tensor PreLogits(IReadOnlyList<Tensor> feats)
    {
        ArgumentNullException.ThrowIfNull(feats);
        var pair = feats[^1];
        if (pair.dim() != 3 || pair.shape[1] != InChannels || pair.shape[2] != 2)
        {
            throw new ArgumentException(
                $"DeiTClsHead needs the class and distillation tokens as (N, {InChannels}, 2), which DistilledVisionTransformer gives with out_type \"cls_token\"; "
                + $"the last feature has shape ({string.Join(", ", pair.shape)}).",
                nameof(feats));
        }

        using var scope = torch.NewDisposeScope();
        return PreLogitsOf(pair.transpose(1, 2)).transpose(1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>The mean of layers.head on the class token and layers.head_dist on the distillation token: (N, num_classes).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> input)
    {
        if (training && !distillation.Warned)
        {
            distillation.Warned = true;
            (Log ?? Console.Error).WriteLine(
                "DeiTClsHead: the distilled DeiT is trained without a teacher, as mmpretrain trains it (which warns that it cannot train it): "
                + "the loss is the classification loss of the mean of the class and distillation scores.");
        }

        using var scope = torch.NewDisposeScope();
        var tokens = PreLogits(input);
        var scores = torch.stack([HeadLayer.call(tokens[.., .., 0]), distillation.Layer!.call(tokens[.., .., 1])]);
        return scores.mean([0L]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>forward</c> in an ONNX graph: the (N, in_channels, 2) pair turned to (N, 2, in_channels)
    /// through the pre-logits layer, then the mean of layers.head on the class token and
    /// layers.head_dist on the distillation token.
    /// </summary>
    public override IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var tokens = ExportPreLogitsOf(graph, OnnxOperators.Transpose(graph, inputs[^1], 0, 2, 1));
        var classScores = graph.Export(HeadLayer, OnnxOperators.Select(graph, tokens, 1, 0));
        var distillationScores = graph.Export(HeadDist, OnnxOperators.Select(graph, tokens, 1, 1));
        return [graph.Node("Mul", [graph.Node("Add", [classScores, distillationScores]), graph.Scalar(0.5f)])];
    }

    /// <summary>
    /// Replaces layers.head and layers.head_dist with fresh ones for <paramref name="numClasses"/>
    /// classes on their device and dtype, initialised by the head's init_cfg (by default zeros).
    /// </summary>
    public override void ResetClassifier(int numClasses)
    {
        base.ResetClassifier(numClasses);
        var old = distillation.Layer!;
        distillation.Layer = NewClassifierLayer(numClasses, old);
        RebuildLayers();
        old.Dispose();
        WeightInitialization.Reinitialize(this, "layers.head_dist");
    }

    /// <summary>layers.head_dist, after layers.head.</summary>
    protected override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer)> ExtraClassifierLayers() =>
        distillation.Layer is null ? [] : [("head_dist", distillation.Layer)];
}

/// <summary>The head's size from its config: VisionTransformerClsHead's and the second classifier's weights and biases.</summary>
public partial class DeiTClsHeadConfig
{
    /// <inheritdoc />
    public override ParameterEstimate EstimateParameters()
    {
        var single = base.EstimateParameters();
        var distillation = ((double)(HiddenDim ?? InChannels) + 1) * NumClasses;
        return new ParameterEstimate(single.Count + distillation, single.Member);
    }
}
