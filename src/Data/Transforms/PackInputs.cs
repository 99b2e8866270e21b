using ImageClassifier.Data.Datasets;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>PackInputs</c>, kept so that its pipelines read the same: it marks the end of the
/// per-sample pipeline and changes nothing. The data loader stacks samples into (N, C, H, W) uint8
/// batches itself, and the model's data preprocessor converts and normalises them.
/// </summary>
[RegisterModel]
public sealed class PackInputs : Transform
{
    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample;
    }
}
