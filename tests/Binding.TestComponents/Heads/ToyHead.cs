using ImageClassifier;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Binding.TestComponents.Heads;

/// <summary>A linear classifier on the last feature; a feature map (N, C, H, W) is averaged to (N, C) first.</summary>
[RegisterModel]
public sealed class ToyHead : Head
{
    // mmpretrain's attribute names: the classifier layer is "fc", the loss "loss_module".
    private readonly Linear fc;
    private readonly Loss? loss_module;
    private readonly int[] topk;

    /// <param name="numClasses">How many classes.</param>
    /// <param name="inChannels">Width of the input feature.</param>
    /// <param name="loss">The loss; cross-entropy when null.</param>
    /// <param name="topk">The k of each top-k accuracy.</param>
    /// <param name="reductionOverride">Replaces the loss's own reduction when set.</param>
    public ToyHead(
        [ValueRange(Minimum = 1)] int numClasses,
        [ValueRange(Minimum = 1)] int inChannels,
        Loss? loss = null,
        [DefaultItems(1)][ValueRange(Minimum = 1)] int[]? topk = null,
        Reduction? reductionOverride = null)
        : base(nameof(ToyHead))
    {
        fc = nn.Linear(inChannels, numClasses);
        loss_module = loss;
        this.topk = topk ?? [1];
        ReductionOverride = reductionOverride;
        RegisterComponents();
    }

    /// <summary>The k of each top-k accuracy.</summary>
    public IReadOnlyList<int> Topk => topk;

    /// <summary>Replaces the loss's own reduction when set.</summary>
    public Reduction? ReductionOverride { get; }

    /// <inheritdoc />
    public override Tensor forward(IReadOnlyList<Tensor> input) => fc.call(PreLogits(input));

    /// <inheritdoc />
    public override Tensor PreLogits(IReadOnlyList<Tensor> feats)
    {
        ArgumentNullException.ThrowIfNull(feats);
        var last = feats[^1];
        return last.dim() > 2 ? last.mean([2, 3]) : last;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> Loss(IReadOnlyList<Tensor> feats, Tensor target)
    {
        var scores = forward(feats);
        var loss = loss_module is null
            ? nn.functional.cross_entropy(scores, target)
            : loss_module.Forward(scores, target, reductionOverride: ReductionOverride);
        return new Dictionary<string, Tensor> { ["loss"] = loss };
    }

    /// <inheritdoc />
    public override ClassificationPrediction Predict(IReadOnlyList<Tensor> feats)
    {
        var scores = nn.functional.softmax(forward(feats), dim: 1);
        return new ClassificationPrediction(scores, scores.argmax(1));
    }
}
