using ImageClassifier;
using TorchSharp;
using static TorchSharp.torch;

namespace Seed.Heads;

/// <summary>
/// The simplest classification head: its scores are the last feature itself (N, num_classes).
/// Heads with layers derive from it and override <see cref="Head.PreLogits"/> and <c>forward</c>.
/// </summary>
[RegisterModel]
public partial class ClsHead : Head
{
    // "loss_module" is mmpretrain's attribute name.
    private readonly Loss? loss_module;
    private readonly int[] topk;
    private readonly bool calAcc;

    /// <summary>Creates the head.</summary>
    /// <param name="loss">The classification loss; cross-entropy on class indices when not given.</param>
    /// <param name="topk">The k of each top-k accuracy.</param>
    /// <param name="calAcc">Also report the top-k accuracies of each training batch.</param>
    public ClsHead(Loss? loss = null, [DefaultItems(1)][ValueRange(Minimum = 1)] int[]? topk = null, bool calAcc = false)
        : base(nameof(ClsHead))
    {
        loss_module = loss;
        this.topk = topk ?? [1];
        this.calAcc = calAcc;

        // Derived heads add layers and call RegisterComponents() themselves: TorchSharp registers
        // fields once, so calling it here would leave theirs unregistered.
        if (loss is not null)
        {
            register_module(nameof(loss_module), loss);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(IReadOnlyList<Tensor> input) => PreLogits(input);

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> Loss(IReadOnlyList<Tensor> feats, Tensor target)
    {
        var scores = forward(feats);
        var losses = new Dictionary<string, Tensor>
        {
            ["loss"] = loss_module is null
                ? nn.functional.cross_entropy(scores, target)
                : loss_module.Forward(scores, target, avgFactor: scores.shape[0]),
        };
        if (calAcc && target.dim() == 1)
        {
            using var noGrad = torch.no_grad();
            foreach (var k in topk)
            {
                var hits = scores.topk(k, dim: 1).indexes.eq(target.unsqueeze(1)).any(1);
                losses[$"accuracy_top-{k}"] = hits.to_type(ScalarType.Float32).mean() * 100;
            }
        }

        return losses;
    }

    /// <inheritdoc />
    public override ClassificationPrediction Predict(IReadOnlyList<Tensor> feats)
    {
        var scores = nn.functional.softmax(forward(feats), dim: 1);
        return new ClassificationPrediction(scores, scores.argmax(1));
    }
}
