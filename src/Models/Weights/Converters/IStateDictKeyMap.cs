using static TorchSharp.torch;

namespace ImageClassifier.Models.Weights.Converters;

/// <summary>
/// Renames one model family's checkpoint keys from another library's layout to mmpretrain's.
/// One implementation per family; <see cref="CheckpointConverter"/> picks it by the backbone.
/// </summary>
public interface IStateDictKeyMap
{
    /// <summary>The family, as messages name it ("ResNet", "MobileNetV2").</summary>
    string Family { get; }

    /// <summary>Whether this map converts weights of <paramref name="backbone"/> from <paramref name="source"/>.</summary>
    bool Handles(Backbone backbone, WeightSource source);

    /// <summary>
    /// mmpretrain's key for <paramref name="key"/> of a <paramref name="source"/> checkpoint, or null
    /// for a key the family has no place for (the converter reports it as unexpected).
    /// </summary>
    string? Map(string key, Backbone backbone, WeightSource source);

    /// <summary>
    /// The tensor to store under the mapped key of <paramref name="key"/>: <paramref name="tensor"/>
    /// itself, unless the family lays that parameter out otherwise (torchvision's ConvNeXt keeps its
    /// layer scale as (C, 1, 1), mmpretrain as (C)); then a view or a new tensor in the caller's
    /// dispose scope.
    /// </summary>
    Tensor MapTensor(string key, Tensor tensor, Backbone backbone, WeightSource source) => tensor;
}
