using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>BaseAugTransform</c>: an augmentation applied with probability <c>prob</c> whose
/// strength is either given (its <c>magnitude</c>, <c>angle</c>, <c>thr</c>...) or mapped from a
/// level: <c>magnitude_level</c> / <c>total_level</c> of the way from <c>magnitude_range</c>'s
/// first value to its second, the level optionally drawn around <c>magnitude_level</c> as
/// <c>magnitude_std</c> says. <see cref="RandAugment"/> sets the level of the policies it holds.
/// </summary>
public abstract class AugmentTransform : Transform
{
    private readonly double prob;
    private readonly double randomNegativeProb;
    private readonly double[]? magnitudeRange;
    private double magnitudeLevel;
    private MagnitudeStd? magnitudeStd;
    private double totalLevel;

    /// <summary>Checks and keeps the settings every augmentation has.</summary>
    /// <param name="prob">The probability of applying the augmentation, 0 to 1.</param>
    /// <param name="randomNegativeProb">The probability of negating the magnitude, 0 to 1.</param>
    /// <param name="magnitudeLevel">The level mapped into <paramref name="magnitudeRange"/>.</param>
    /// <param name="magnitudeRange">The magnitudes at level 0 and at <paramref name="totalLevel"/>; null when the augmentation's magnitude is given.</param>
    /// <param name="magnitudeStd">How the level varies from image to image; null is 0 (it does not).</param>
    /// <param name="totalLevel">The level that maps to the second value of <paramref name="magnitudeRange"/>.</param>
    /// <param name="magnitude">The augmentation's own magnitude argument, as (JSON name, value); null for one without.</param>
    protected AugmentTransform(
        double prob,
        double randomNegativeProb,
        double magnitudeLevel,
        double[]? magnitudeRange,
        MagnitudeStd? magnitudeStd,
        double totalLevel,
        (string Key, object? Value)? magnitude)
    {
        if (!(prob >= 0 && prob <= 1))
        {
            throw new ConfigValueException("prob", prob, "between 0 and 1");
        }

        if (!(randomNegativeProb >= 0 && randomNegativeProb <= 1))
        {
            throw new ConfigValueException("random_negative_prob", randomNegativeProb, "between 0 and 1");
        }

        if (magnitudeRange is not null && (magnitudeRange.Length != 2 || !magnitudeRange.All(double.IsFinite)))
        {
            throw new ConfigValueException("magnitude_range", magnitudeRange, "a pair of numbers [val1, val2]: the magnitudes at level 0 and at total_level");
        }

        if (!(totalLevel > 0))
        {
            throw new ConfigValueException("total_level", totalLevel, "greater than 0");
        }

        if (!(magnitudeLevel >= 0))
        {
            throw new ConfigValueException("magnitude_level", magnitudeLevel, "0 or more");
        }

        if (magnitude is var (key, value) && (value is null) == (magnitudeRange is null))
        {
            throw new ConfigValueException(key, value, "given, or magnitude_range given instead (exactly one of them)");
        }

        this.prob = prob;
        this.randomNegativeProb = randomNegativeProb;
        this.magnitudeLevel = magnitudeLevel;
        this.magnitudeRange = magnitudeRange is null ? null : [.. magnitudeRange];
        this.magnitudeStd = magnitudeStd;
        this.totalLevel = totalLevel;
    }

    /// <summary>The magnitudes at level 0 and at the total level; null when the magnitude is given.</summary>
    public IReadOnlyList<double>? MagnitudeRange => magnitudeRange;

    /// <summary>The level mapped into <see cref="MagnitudeRange"/>.</summary>
    public double MagnitudeLevel => magnitudeLevel;

    /// <summary>The level that maps to the second value of <see cref="MagnitudeRange"/>.</summary>
    public double TotalLevel => totalLevel;

    /// <summary>The fill and interpolation given by a RandAugment's or AutoAugment's <c>hparams</c>, used where the augmentation's own are not set.</summary>
    protected AugmentHparams Hparams { get; private set; } = new();

    /// <summary>
    /// The magnitude at <see cref="MagnitudeLevel"/> with no variation:
    /// <c>level / total_level * (val2 - val1) + val1</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The augmentation has its magnitude given, not a range.</exception>
    public double LevelMagnitude() => MapLevel(magnitudeLevel);

    /// <inheritdoc />
    public sealed override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);

        // mmpretrain's random_disable, drawn first so that the draws after it keep their places.
        var draw = random.NextDouble();
        return draw < prob ? sample with { Image = Augment(sample.Image, random, sample.Source) } : sample;
    }

    /// <summary>
    /// A copy as a policy of RandAugment or AutoAugment uses it: with RandAugment's level settings
    /// when it maps a range (null leaves its own), and with <paramref name="hparams"/> for the
    /// settings it does not set itself.
    /// </summary>
    internal AugmentTransform AsPolicy((double Level, MagnitudeStd? Std, double Total)? level, AugmentHparams hparams)
    {
        var policy = (AugmentTransform)MemberwiseClone();
        if (level is var (magnitude, std, total) && magnitudeRange is not null)
        {
            policy.magnitudeLevel = magnitude;
            policy.magnitudeStd = std;
            policy.totalLevel = total;
        }

        policy.Hparams = hparams;
        return policy;
    }

    /// <summary>The augmentation itself, on an image it is to change.</summary>
    /// <param name="image">The image.</param>
    /// <param name="random">The only source of randomness.</param>
    /// <param name="source">Where the sample came from, for messages.</param>
    protected abstract ImageData Augment(ImageData image, Random random, string source);

    /// <summary>
    /// mmpretrain's <c>random_magnitude</c>: the level, drawn from N(level, std) clipped to 0..total
    /// for a positive std or from U(0, level) for "inf", mapped into the range.
    /// </summary>
    protected double RandomMagnitude(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var level = magnitudeLevel;
        if (magnitudeStd is { IsInfinite: true })
        {
            level = RandomDraws.Uniform(random, 0, level);
        }
        else if (magnitudeStd is { Value: > 0 } std)
        {
            level = Math.Clamp(RandomDraws.Normal(random, level, std.Value), 0, totalLevel);
        }

        return MapLevel(level);
    }

    /// <summary>The given magnitude, else one from the level; negated with probability <c>random_negative_prob</c> (mmpretrain's <c>random_negative</c>).</summary>
    protected double SignedMagnitude(double? given, Random random)
    {
        var magnitude = given ?? RandomMagnitude(random);
        return random.NextDouble() < randomNegativeProb ? -magnitude : magnitude;
    }

    /// <summary>
    /// One fill value per channel from a <c>pad_val</c> (this augmentation's, else the policy's
    /// hparams, else 128): one number for every channel, or one per channel.
    /// </summary>
    /// <exception cref="InvalidOperationException">The list does not have one value per channel of the image.</exception>
    protected byte[] FillValues(double[]? padVal, ImageData image, string source)
    {
        ArgumentNullException.ThrowIfNull(image);
        IReadOnlyList<double> values = padVal ?? Hparams.PadVal ?? [128];
        if (values.Count != 1 && values.Count != image.Channels)
        {
            throw new InvalidOperationException(
                $"{GetType().Name}'s pad_val has {values.Count} values, but the {image.ShapeText} image of {source} has {image.Channels} channels; give one value, or one per channel.");
        }

        return [.. Enumerable.Range(0, image.Channels).Select(channel => (byte)Math.Clamp(Math.Round(values[values.Count == 1 ? 0 : channel], MidpointRounding.ToEven), 0, 255))];
    }

    private double MapLevel(double level)
    {
        if (magnitudeRange is null)
        {
            throw new InvalidOperationException($"{GetType().Name} has its magnitude given, not a magnitude_range.");
        }

        return (level / totalLevel * (magnitudeRange[1] - magnitudeRange[0])) + magnitudeRange[0];
    }
}
