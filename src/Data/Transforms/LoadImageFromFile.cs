using ImageClassifier.Data.Datasets;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmcv's <c>LoadImageFromFile</c>, kept so that mmpretrain's image-folder pipelines read the
/// same: datasets here decode their images themselves (see <see cref="CustomDataset"/>'s
/// <c>color_type</c>), so this step changes nothing.
/// </summary>
[RegisterModel]
public sealed class LoadImageFromFile : Transform
{
    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample;
    }
}
