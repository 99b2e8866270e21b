using GoodPlugin.Helpers;
using ImageClassifier;
using TorchSharp;
using static TorchSharp.torch;

namespace GoodPlugin.Necks;

/// <summary>Averages each feature map (N, C, H, W) to (N, C) and multiplies it by a constant.</summary>
[RegisterModel]
public sealed class ScaledPooling : Neck
{
    private readonly nn.Module<Tensor, Tensor> gap;

    /// <param name="scale">The factor applied to every pooled feature; finite and positive.</param>
    public ScaledPooling(double scale = 2.0)
        : base(nameof(ScaledPooling))
    {
        // Deliberately through the plugin's private dependency: building this neck loads it.
        Scale = ScaleFactor.Validate(scale);
        gap = nn.AdaptiveAvgPool2d(1);
        RegisterComponents();
    }

    /// <summary>The factor applied to every pooled feature.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pooled = new Tensor[input.Count];
        for (var index = 0; index < input.Count; index++)
        {
            using var map = gap.call(input[index]);
            using var flat = map.flatten(1);
            pooled[index] = flat * Scale;
        }

        return pooled;
    }
}
