using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// A transform that resizes every image to a size computed from its own: <see cref="Resize"/> and
/// <see cref="ResizeEdge"/> differ only in that computation.
/// </summary>
public abstract class ResizeTransform : Transform
{
    /// <summary>Creates the transform with its sampling.</summary>
    protected ResizeTransform(Interpolation interpolation) => Interpolation = interpolation;

    /// <summary>How the image is sampled.</summary>
    protected Interpolation Interpolation { get; }

    /// <inheritdoc />
    public sealed override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var image = sample.Image;
        var (height, width) = TargetSize(image.Height, image.Width);
        return sample with { Image = ImageOps.Resize(image, height, width, Interpolation) };
    }

    /// <summary>The (height, width) an image of the given size is resized to.</summary>
    public abstract (int Height, int Width) TargetSize(int height, int width);
}
