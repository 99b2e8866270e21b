using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Checkpoints;

/// <summary>The head of the fixture script's TinyClassifier: keys fc.weight, fc.bias.</summary>
internal sealed class TinyHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;

    public TinyHead(int numClasses = 3)
        : base(nameof(TinyHead))
    {
        fc = nn.Linear(4, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var pooled = input.mean([2L, 3L]);
        return fc.call(pooled);
    }
}
