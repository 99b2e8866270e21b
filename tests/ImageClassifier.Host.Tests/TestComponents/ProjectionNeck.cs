using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Hosting.Tests.TestComponents;

/// <summary>A neck with a size of its own: a 1x1 convolution of every feature map, so its in_channels must match the backbone's.</summary>
public sealed class ProjectionNeck : Neck
{
    private readonly nn.Module<Tensor, Tensor> proj;

    public ProjectionNeck(int inChannels, int outChannels)
        : base(nameof(ProjectionNeck))
    {
        proj = nn.Conv2d(inChannels, outChannels, kernel_size: 1);
        RegisterComponents();
    }

    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input) => [.. input.Select(map => proj.call(map))];
}
