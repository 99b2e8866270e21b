using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>mmcv's <c>RandomFlip</c>: flips the image with probability <c>prob</c>.</summary>
[RegisterModel]
public sealed class RandomFlip : Transform
{
    private readonly double prob;
    private readonly FlipDirection direction;

    /// <summary>Creates the transform.</summary>
    /// <param name="prob">The probability of a flip, 0 to 1.</param>
    /// <param name="direction">"horizontal", "vertical" or "diagonal".</param>
    public RandomFlip([ValueRange(0, 1)] double prob, FlipDirection direction = FlipDirection.Horizontal)
    {
        if (!(prob >= 0 && prob <= 1))
        {
            throw new ConfigValueException("prob", prob, "between 0 and 1");
        }

        this.prob = prob;
        this.direction = direction;
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);

        // Drawn even when prob is 0 or 1, so that the transforms after this one see the same stream.
        var draw = random.NextDouble();
        return draw < prob ? sample with { Image = ImageOps.Flip(sample.Image, direction) } : sample;
    }
}
