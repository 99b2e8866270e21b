using ImageClassifier;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seed.Heads;

/// <summary>
/// The classification head of a vision transformer: fc1, tanh, then fc2 on the class token of the
/// last feature, (N, 1 + L, in_channels) or the token itself (N, in_channels), to (N, num_classes).
/// </summary>
[RegisterModel]
public sealed class VisionTransformerClsHead : ClsHead
{
    private readonly Linear fc1;
    private readonly Tanh act;
    private readonly Linear fc2;

    /// <summary>Creates the head; loss, topk and cal_acc are ClsHead's.</summary>
    /// <param name="config">ClsHead's arguments.</param>
    /// <param name="numClasses">How many classes to score.</param>
    /// <param name="inChannels">Width of the class token.</param>
    /// <param name="hiddenDim">Width of the hidden layer between fc1 and fc2.</param>
    public VisionTransformerClsHead(
        ClsHeadConfig config,
        [ValueRange(Minimum = 1)] int numClasses,
        [ValueRange(Minimum = 1)] int inChannels,
        [ValueRange(Minimum = 1)] int hiddenDim)
        : base(config)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenDim);
        fc1 = nn.Linear(inChannels, hiddenDim);
        act = nn.Tanh();
        fc2 = nn.Linear(hiddenDim, numClasses);
        RegisterComponents();
    }

    /// <summary>tanh(fc1(class token)) of the last feature: (N, hidden_dim).</summary>
    public override Tensor PreLogits(IReadOnlyList<Tensor> feats)
    {
        var last = feats[^1];
        var token = last.dim() == 3 ? last[.., 0] : last;
        return act.call(fc1.call(token));
    }

    /// <inheritdoc />
    public override Tensor forward(IReadOnlyList<Tensor> input) => fc2.call(PreLogits(input));
}
