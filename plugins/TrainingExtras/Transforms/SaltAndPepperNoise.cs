using ImageClassifier;
using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace TrainingExtras.Transforms;

/// <summary>
/// Salt-and-pepper noise, a transform of this sample plugin only (mmpretrain registers none of the
/// name): with probability <c>prob</c>, each pixel in turn becomes black or white (even odds, every
/// channel alike) with probability <c>amount</c>.
/// </summary>
[RegisterModel]
public sealed class SaltAndPepperNoise : Transform
{
    private readonly double prob;
    private readonly double amount;

    /// <summary>Creates the transform.</summary>
    /// <param name="prob">The probability of adding noise to an image, 0 to 1.</param>
    /// <param name="amount">The probability that a pixel turns black or white, 0 to 1.</param>
    public SaltAndPepperNoise([ValueRange(0, 1)] double prob = 0.5, [ValueRange(0, 1)] double amount = 0.05)
    {
        if (!(prob >= 0 && prob <= 1))
        {
            throw new ConfigValueException("prob", prob, "between 0 and 1");
        }

        if (!(amount >= 0 && amount <= 1))
        {
            throw new ConfigValueException("amount", amount, "between 0 and 1");
        }

        this.prob = prob;
        this.amount = amount;
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() >= prob)
        {
            return sample;
        }

        var image = sample.Image;
        var area = image.Height * image.Width;
        var pixels = (byte[])image.Pixels.Clone();
        for (var index = 0; index < area; index++)
        {
            if (random.NextDouble() >= amount)
            {
                continue;
            }

            var value = random.Next(2) == 0 ? (byte)0 : (byte)255;
            for (var channel = 0; channel < image.Channels; channel++)
            {
                pixels[(channel * area) + index] = value;
            }
        }

        return sample with { Image = new ImageData(pixels, image.Channels, image.Height, image.Width) };
    }
}
