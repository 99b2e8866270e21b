namespace ImageClassifier.Models.Backbones;

/// <summary>
/// A backbone that declares its stages' outputs, so necks and heads can be sized and
/// <c>out_indices</c> checked without running it.
/// </summary>
public interface IHasFeatureInfo
{
    /// <summary>The channels of the images it takes (its <c>in_channels</c>, where it has one).</summary>
    int InChannels => 3;

    /// <summary>Every stage a feature can be taken from; <c>out_indices</c> index this list.</summary>
    IReadOnlyList<FeatureInfo> FeatureInfo { get; }

    /// <summary>
    /// The stages the forward pass returns, in output order: the distinct <c>out_indices</c>, shallowest
    /// first (as mmpretrain collects them while walking the stages).
    /// </summary>
    IReadOnlyList<int> OutIndices { get; }

    /// <summary>The feature info of each output, in output order.</summary>
    IReadOnlyList<FeatureInfo> OutputFeatureInfo => [.. OutIndices.Select(index => FeatureInfo[index])];
}
