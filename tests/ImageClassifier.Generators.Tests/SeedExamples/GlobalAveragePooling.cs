using ImageClassifier;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seed.Necks;

/// <summary>Global average pooling: each feature map (N, C, H, W) becomes a vector (N, C).</summary>
[RegisterModel]
public sealed class GlobalAveragePooling : Neck
{
    private readonly AdaptiveAvgPool2d gap;

    /// <summary>Creates the neck; it has no parameters.</summary>
    public GlobalAveragePooling()
        : base(nameof(GlobalAveragePooling))
    {
        gap = nn.AdaptiveAvgPool2d(1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input) =>
        [.. input.Select(features => gap.call(features).flatten(1))];
}
