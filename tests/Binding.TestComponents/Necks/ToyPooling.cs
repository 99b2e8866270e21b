using ImageClassifier;
using static TorchSharp.torch;

namespace Binding.TestComponents.Necks;

/// <summary>Global average pooling: each map (N, C, H, W) to (N, C), or to (N, C, 1, 1) without flattening.</summary>
[RegisterModel]
public sealed class ToyPooling : Neck
{
    private readonly bool flatten;

    /// <param name="flatten">Return (N, C) instead of (N, C, 1, 1).</param>
    public ToyPooling(bool flatten = true)
        : base(nameof(ToyPooling))
    {
        this.flatten = flatten;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Select(map => flatten ? map.mean([2, 3]) : map.mean([2, 3], keepdim: true)).ToArray();
    }
}
