using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>
/// TorchSharp twin of the fixture script's TinyClassifier, with mmpretrain's key layout:
/// backbone.conv.weight, backbone.bn.*, head.fc.*.
/// </summary>
internal sealed class TinyClassifier : nn.Module<Tensor, Tensor>
{
    private readonly TinyBackbone backbone;
    private readonly TinyHead head;

    public TinyClassifier(int numClasses = 3)
        : base(nameof(TinyClassifier))
    {
        backbone = new TinyBackbone();
        head = new TinyHead(numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return head.call(backbone.call(input)).MoveToOuterDisposeScope();
    }
}
