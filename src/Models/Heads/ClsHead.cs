using ImageClassifier.Models.Evaluation;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Losses;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Heads;

/// <summary>
/// The simplest classification head: its class scores are the last feature itself (N, C).
/// Heads with layers derive from it and override <see cref="Head.PreLogits"/> and <c>forward</c>;
/// the loss, the training accuracies and the prediction are computed here for all of them.
/// </summary>
[RegisterModel]
public partial class ClsHead : Head, IHasInitConfig, IOnnxExportable
{
    // "loss_module" is mmpretrain's attribute name.
    private readonly Loss loss_module;
    private readonly int[] topk;
    private readonly bool calAcc;
    private readonly Initializer[] initCfg;

    /// <summary>Creates the head.</summary>
    /// <param name="loss">The classification loss; mmpretrain's default, CrossEntropyLoss with loss_weight 1.0, when null.</param>
    /// <param name="topk">The k of each top-k accuracy reported with cal_acc.</param>
    /// <param name="calAcc">Also report the top-k accuracies of each training batch; pointless (and refused) with mixed targets such as mixup's.</param>
    /// <param name="initCfg">The head's weight initializers; when null, the head's default (none for ClsHead, Normal(layer='Linear', std=0.01) for LinearClsHead).</param>
    public ClsHead(
        Loss? loss = null,
        [DefaultItems(1)][ValueRange(Minimum = 1)] int[]? topk = null,
        bool calAcc = false,
        Initializer[]? initCfg = null)
        : base(nameof(ClsHead))
    {
        this.topk = topk is null ? [1] : [.. topk];
        if (this.topk.Length == 0)
        {
            throw new ConfigValueException("topk", this.topk, "a non-empty list");
        }

        for (var index = 0; index < this.topk.Length; index++)
        {
            if (this.topk[index] < 1)
            {
                throw new ConfigValueException($"topk[{index}]", this.topk[index], ">= 1");
            }
        }

        this.calAcc = calAcc;
        this.initCfg = initCfg is null ? [] : [.. initCfg];
        loss_module = loss ?? new CrossEntropyLoss(lossWeight: 1.0);

        // Registered by hand: TorchSharp's RegisterComponents() runs once per module and only sees
        // the fields of the most derived class, which derived heads register with it.
        register_module(nameof(loss_module), loss_module);
    }

    /// <summary>The k of each top-k accuracy.</summary>
    public IReadOnlyList<int> Topk => topk;

    /// <summary>Whether <see cref="Loss(IReadOnlyList{Tensor}, Tensor)"/> also reports accuracies.</summary>
    public bool CalAcc => calAcc;

    /// <summary>The loss module (mmpretrain's <c>loss_module</c>).</summary>
    public Loss LossModule => loss_module;

    /// <inheritdoc />
    public virtual IReadOnlyList<Initializer> InitCfg => initCfg;

    /// <summary>The class scores (N, C): here <see cref="Head.PreLogits"/> itself, the last feature.</summary>
    public override Tensor forward(IReadOnlyList<Tensor> input) => PreLogits(input);

    /// <summary>
    /// Adds <c>forward</c> to an ONNX graph: here the last feature itself. A head that overrides
    /// <c>forward</c> overrides this too (its export is refused otherwise).
    /// </summary>
    public virtual IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        OnnxOverrideCheck.RequireExportBeside(graph, this, nameof(PreLogits), nameof(ExportOnnx));
        return [inputs[^1]];
    }

    /// <summary>
    /// {"loss": ...}, computed by the loss module with the batch size as average factor, and with
    /// cal_acc also "accuracy_top-k" for each k (percent, mmpretrain's keys).
    /// <paramref name="target"/> holds class indices (N) or per-class scores (N, C).
    /// </summary>
    /// <remarks>
    /// The accuracies use <see cref="Accuracy.Calculate"/>'s default threshold 0 on the raw scores,
    /// as mmpretrain does: a right class whose score is not above 0 does not count.
    /// </remarks>
    /// <exception cref="InvalidOperationException">cal_acc is on and the target holds per-class scores.</exception>
    public override IReadOnlyDictionary<string, Tensor> Loss(IReadOnlyList<Tensor> feats, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(feats);
        ArgumentNullException.ThrowIfNull(target);
        if (calAcc && target.dim() != 1)
        {
            throw new InvalidOperationException(
                $"cal_acc needs class indices (N), but the target has shape ({string.Join(", ", target.shape)}): " +
                "with batch augmentations such as mixup or cutmix the training accuracy is pointless; set cal_acc to false.");
        }

        using var scope = torch.NewDisposeScope();
        var scores = call(feats);
        var losses = new Dictionary<string, Tensor>
        {
            ["loss"] = loss_module.Forward(scores, target, avgFactor: scores.shape[0]).MoveToOuterDisposeScope(),
        };
        if (calAcc)
        {
            using var noGrad = torch.no_grad();
            var table = Accuracy.Calculate(scores, target, topk);
            for (var row = 0; row < topk.Length; row++)
            {
                losses[$"accuracy_top-{topk[row]}"] = torch.tensor((float)table[row, 0], device: scores.device).MoveToOuterDisposeScope();
            }
        }

        return losses;
    }

    /// <summary>Softmax probabilities (N, C) and the most probable class of each sample (N, int64).</summary>
    public override ClassificationPrediction Predict(IReadOnlyList<Tensor> feats)
    {
        ArgumentNullException.ThrowIfNull(feats);
        using var scope = torch.NewDisposeScope();
        var probabilities = nn.functional.softmax(call(feats), dim: 1);
        var labels = probabilities.argmax(1).detach();
        return new ClassificationPrediction(probabilities.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Replaces the final classifier layer with a fresh one for <paramref name="numClasses"/>
    /// classes, as timm's <c>reset_classifier</c> does for fine-tuning: on the old layer's device
    /// and dtype, initialised by the head's init_cfg (PyTorch's default where that names no such
    /// layer); the layers before it keep their weights. ClsHead itself has no such layer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is below 1.</exception>
    /// <exception cref="NotSupportedException">The head has no classifier layer.</exception>
    public virtual void ResetClassifier(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        throw new NotSupportedException($"{GetType().Name} has no classifier layer to reset: its scores are its input features, so their width is set by the layers before it.");
    }
}
