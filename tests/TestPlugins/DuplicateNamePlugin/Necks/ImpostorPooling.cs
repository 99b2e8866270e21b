using ImageClassifier;
using static TorchSharp.torch;

namespace DuplicateNamePlugin.Necks;

/// <summary>Max-pools each feature map, under the name GoodPlugin's neck already has.</summary>
[RegisterModel("ScaledPooling")]
public sealed class ImpostorPooling : Neck
{
    /// <summary>Creates the neck.</summary>
    public ImpostorPooling()
        : base(nameof(ImpostorPooling))
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Select(map => map.amax([2, 3])).ToArray();
    }
}
