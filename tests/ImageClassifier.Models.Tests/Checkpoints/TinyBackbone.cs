using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>The backbone of the fixture script's TinyClassifier: keys conv.weight, bn.*.</summary>
internal sealed class TinyBackbone : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    public TinyBackbone()
        : base(nameof(TinyBackbone))
    {
        conv = nn.Conv2d(3, 4, 3, padding: 1, bias: false);
        bn = nn.BatchNorm2d(4);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var convolved = conv.call(input);
        using var normalized = bn.call(convolved);
        return nn.functional.relu(normalized);
    }
}
