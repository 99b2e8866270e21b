using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmpretrain's <c>ColorJitter</c>: brightness, contrast, saturation and hue changed by factors
/// drawn uniformly per image, in a random order, with Pillow's arithmetic (mmpretrain's default
/// pillow backend, which is torchvision's on PIL images). A number v gives the range
/// [max(0, 1 - v), 1 + v] (hue: [-v, v]); a [min, max] pair gives its own; 0 leaves that property alone.
/// </summary>
[RegisterModel]
public sealed class ColorJitter : Transform
{
    private readonly (double Low, double High)? brightness;
    private readonly (double Low, double High)? contrast;
    private readonly (double Low, double High)? saturation;
    private readonly (double Low, double High)? hue;

    /// <summary>Creates the transform.</summary>
    /// <param name="brightness">How far the brightness factor may stray from 1: a number 0 or more (0 changes nothing), or a [min, max] pair of factors 0 or more.</param>
    /// <param name="contrast">How far the contrast factor may stray from 1, as brightness.</param>
    /// <param name="saturation">How far the saturation factor may stray from 1, as brightness.</param>
    /// <param name="hue">How far the hue may turn, in turns: a number 0 to 0.5, or a [min, max] pair within [-0.5, 0.5].</param>
    /// <param name="backend">"pillow", mmpretrain's default; its "cv2" backend is not supported.</param>
    public ColorJitter(
        [DefaultItems(0.0)] double[]? brightness = null,
        [DefaultItems(0.0)] double[]? contrast = null,
        [DefaultItems(0.0)] double[]? saturation = null,
        [DefaultItems(0.0)] double[]? hue = null,
        string backend = "pillow")
    {
        if (backend != "pillow")
        {
            throw new ConfigValueException("backend", backend, "\"pillow\" (mmpretrain's default; the cv2 backend's hue arithmetic is not implemented here)");
        }

        this.brightness = Range("brightness", brightness, centre: 1, lowest: 0, highest: double.PositiveInfinity);
        this.contrast = Range("contrast", contrast, centre: 1, lowest: 0, highest: double.PositiveInfinity);
        this.saturation = Range("saturation", saturation, centre: 1, lowest: 0, highest: double.PositiveInfinity);
        this.hue = Range("hue", hue, centre: 0, lowest: -0.5, highest: 0.5);
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);

        // As mmpretrain: the order first, then one factor per property that changes.
        var order = RandomDraws.Permutation(random, 4);
        var factors = new[] { brightness, contrast, saturation, hue }
            .Select(range => range is var (low, high) ? RandomDraws.Uniform(random, low, high) : (double?)null)
            .ToArray();
        var image = sample.Image;
        foreach (var index in order)
        {
            if (factors[index] is not { } factor)
            {
                continue;
            }

            image = index switch
            {
                0 => ColorOps.AdjustBrightness(image, factor, ImageBackend.Pillow),
                1 => ColorOps.AdjustContrast(image, factor, ImageBackend.Pillow),
                2 => ColorOps.AdjustColor(image, factor, ImageBackend.Pillow),
                _ => ColorOps.AdjustHue(image, factor),
            };
        }

        return sample with { Image = image };
    }

    // mmpretrain's _set_range, except that a pair outside the bounds is refused rather than clipped with a warning.
    private static (double Low, double High)? Range(string key, double[]? value, double centre, double lowest, double highest)
    {
        if (value is null)
        {
            return null;
        }

        double low;
        double high;
        if (value.Length == 1)
        {
            var spread = value[0];
            if (!(spread >= 0) || (centre == 0 && spread > highest))
            {
                throw new ConfigValueException(key, value, centre == 0 ? $"a number from 0 to {highest}, or a [min, max] pair within [{lowest}, {highest}]" : "a number 0 or more, or a [min, max] pair");
            }

            (low, high) = (Math.Max(lowest, centre - spread), centre + spread);
        }
        else if (value.Length == 2 && lowest <= value[0] && value[0] <= value[1] && value[1] <= highest)
        {
            (low, high) = (value[0], value[1]);
        }
        else
        {
            throw new ConfigValueException(key, value, $"a number, or a [min, max] pair with {lowest} <= min <= max{(double.IsFinite(highest) ? $" <= {highest}" : string.Empty)}");
        }

        return low == centre && high == centre ? null : (low, high);
    }
}
