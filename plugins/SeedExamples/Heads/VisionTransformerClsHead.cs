using ImageClassifier;
using ImageClassifier.Models.Heads;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeedExamples.Heads;

/// <summary>
/// A vision transformer's classification head: fc1, tanh, fc2 on the class token of the last
/// feature. The feature is either the class token itself (N, in_channels) or the whole token
/// sequence with the class token first (N, 1 + L, in_channels); the scores are (N, num_classes).
/// </summary>
[RegisterModel]
public sealed class VisionTransformerClsHead : ClsHead
{
    private readonly Linear fc1;
    private readonly Tanh act;
    private readonly Linear fc2;

    /// <summary>Creates the head; loss, topk, cal_acc and init_cfg are ClsHead's.</summary>
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
        fc1 = nn.Linear(inChannels, hiddenDim);
        act = nn.Tanh();
        fc2 = nn.Linear(hiddenDim, numClasses);
        RegisterComponents();
    }

    /// <summary>tanh(fc1(class token)) of the last feature: (N, hidden_dim).</summary>
    public override Tensor PreLogits(IReadOnlyList<Tensor> feats)
    {
        ArgumentNullException.ThrowIfNull(feats);
        var last = feats[^1];
        using var token = last.dim() == 3 ? last[.., 0] : last.alias();
        using var hidden = fc1.call(token);
        return act.call(hidden);
    }

    /// <inheritdoc />
    public override Tensor forward(IReadOnlyList<Tensor> input)
    {
        using var preLogits = PreLogits(input);
        return fc2.call(preLogits);
    }
}

/// <summary>The head's size from its config: fc1's and fc2's weights and biases.</summary>
public partial class VisionTransformerClsHeadConfig : IParameterEstimate
{
    /// <inheritdoc />
    public ParameterEstimate EstimateParameters()
    {
        var fc1 = ((double)InChannels + 1) * HiddenDim;
        var fc2 = ((double)HiddenDim + 1) * NumClasses;
        var member = fc2 > fc1 ? (NumClasses >= HiddenDim ? "num_classes" : "hidden_dim") : (InChannels >= HiddenDim ? "in_channels" : "hidden_dim");
        return new ParameterEstimate(fc1 + fc2, member);
    }
}
