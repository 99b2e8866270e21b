using ImageClassifier.Data.Datasets;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// One step of a dataset's pipeline (mmpretrain's data transforms): a sample in, a new sample out.
/// Randomness comes only from the <see cref="Random"/> passed in, so a sample transformed with
/// the same seed comes out the same, whichever thread or run does it.
/// </summary>
[ComponentKind("transform")]
public abstract class Transform
{
    /// <summary>Transforms <paramref name="sample"/>; the input is left unchanged.</summary>
    /// <param name="sample">The sample.</param>
    /// <param name="random">The only source of randomness the transform may use.</param>
    public abstract DataSample Apply(DataSample sample, Random random);
}
