using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// torchvision's <c>TrivialAugmentWide</c> (Müller and Hutter, 2021), which mmpretrain configs use
/// as <c>torchvision/TrivialAugmentWide</c> on PIL images: for each image one of 14 operations
/// picked uniformly, with a magnitude picked uniformly from <c>num_magnitude_bins</c> evenly spaced
/// values (and a random sign for the signed ones), applied as torchvision applies it to a PIL
/// image: Pillow's colour arithmetic, and its affine maps in Pillow's pixel coordinates.
/// </summary>
[RegisterModel]
public sealed class TrivialAugmentWide : Transform
{
    private const double DegreesToRadians = Math.PI / 180.0;

    private readonly int numMagnitudeBins;
    private readonly Interpolation interpolation;
    private readonly double[]? fill;

    /// <summary>Creates the transform.</summary>
    /// <param name="numMagnitudeBins">How many magnitudes each operation can take, at least 2.</param>
    /// <param name="interpolation">How the geometric operations sample: "nearest" (torchvision's default, Pillow's exactly), "bilinear" or "bicubic" (OpenCV's weights).</param>
    /// <param name="fill">The fill of pixels the geometric operations leave empty, one number or one per channel, truncated to integers; null is 0.</param>
    public TrivialAugmentWide(
        [ValueRange(Minimum = 2)] int numMagnitudeBins = 31,
        Interpolation interpolation = Interpolation.Nearest,
        [ValueRange(0, 255)] double[]? fill = null)
    {
        if (numMagnitudeBins < 2)
        {
            throw new ConfigValueException("num_magnitude_bins", numMagnitudeBins, "at least 2");
        }

        if (fill is not null && fill.Any(value => !(value >= 0 && value <= 255)))
        {
            throw new ConfigValueException("fill", fill, "one number or one per channel, each 0 to 255");
        }

        this.numMagnitudeBins = numMagnitudeBins;
        this.interpolation = interpolation;
        this.fill = fill is null ? null : [.. fill];
    }

    /// <summary>The operations in torchvision's order, which the random index picks from.</summary>
    internal enum Operation
    {
        Identity,
        ShearX,
        ShearY,
        TranslateX,
        TranslateY,
        Rotate,
        Brightness,
        Color,
        Contrast,
        Sharpness,
        Posterize,
        Solarize,
        AutoContrast,
        Equalize,
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        var operation = (Operation)random.Next(14);
        if (operation is Operation.Identity or Operation.AutoContrast or Operation.Equalize)
        {
            return sample with { Image = ApplyOperation(sample.Image, operation, 0, interpolation, FillValues(sample)) };
        }

        var magnitude = Magnitude(operation, random.Next(numMagnitudeBins), numMagnitudeBins);
        if (IsSigned(operation) && random.Next(2) == 1)
        {
            magnitude = -magnitude;
        }

        return sample with { Image = ApplyOperation(sample.Image, operation, magnitude, interpolation, FillValues(sample)) };
    }

    /// <summary>The magnitude of <paramref name="bin"/> of <paramref name="bins"/> for an operation, as torchvision's float32 tables hold it.</summary>
    internal static double Magnitude(Operation operation, int bin, int bins)
    {
        double Linear(double start, double end) => (float)(start + ((end - start) * bin / (bins - 1)));
        return operation switch
        {
            Operation.ShearX or Operation.ShearY or Operation.Brightness or Operation.Color or Operation.Contrast or Operation.Sharpness => Linear(0, 0.99),
            Operation.TranslateX or Operation.TranslateY => Linear(0, 32),
            Operation.Rotate => Linear(0, 135),
            Operation.Posterize => 8 - (int)Math.Round(bin / ((bins - 1) / 6.0), MidpointRounding.ToEven),
            Operation.Solarize => Linear(255, 0),
            _ => 0,
        };
    }

    /// <summary>torchvision's <c>_apply_op</c> on a PIL image, for one operation and magnitude.</summary>
    internal static ImageData ApplyOperation(ImageData image, Operation operation, double magnitude, Interpolation interpolation, byte[] fill)
    {
        switch (operation)
        {
            case Operation.ShearX:
            case Operation.ShearY:
                // torchvision passes the shear as degrees(atan(magnitude)) and takes its tangent back.
                var shear = Math.Tan(Math.Atan(magnitude) / DegreesToRadians * DegreesToRadians);
                return PillowAffine(image, operation == Operation.ShearX ? [1, shear, 0, 0, 1, 0] : [1, 0, 0, shear, 1, 0], interpolation, fill);
            case Operation.TranslateX:
                return PillowAffine(image, [1, 0, -(int)magnitude, 0, 1, 0], interpolation, fill);
            case Operation.TranslateY:
                return PillowAffine(image, [1, 0, 0, 0, 1, -(int)magnitude], interpolation, fill);
            case Operation.Rotate:
                return PillowAffine(image, PillowRotation(magnitude, image.Width / 2.0, image.Height / 2.0), interpolation, fill);
            case Operation.Brightness:
                return ColorOps.AdjustBrightness(image, 1 + magnitude, ImageBackend.Pillow);
            case Operation.Color:
                return ColorOps.AdjustColor(image, 1 + magnitude, ImageBackend.Pillow);
            case Operation.Contrast:
                return ColorOps.AdjustContrast(image, 1 + magnitude, ImageBackend.Pillow);
            case Operation.Sharpness:
                return ColorOps.AdjustSharpness(image, 1 + magnitude, ImageBackend.Pillow);
            case Operation.Posterize:
                return ColorOps.Posterize(image, (int)magnitude);
            case Operation.Solarize:
                return ColorOps.Solarize(image, magnitude);
            case Operation.AutoContrast:
                return ColorOps.AutoContrast(image);
            case Operation.Equalize:
                return ColorOps.Equalize(image);
            default:
                return image;
        }
    }

    /// <summary>
    /// Pillow's <c>Image.rotate</c> map from output to source, in its pixel-edge coordinates: a
    /// counter-clockwise turn by <paramref name="degrees"/> about the centre, the cosine and sine
    /// rounded to 15 decimals as Pillow rounds them.
    /// </summary>
    private static double[] PillowRotation(double degrees, double centerX, double centerY)
    {
        var radians = -(degrees % 360.0) * DegreesToRadians;
        var cos = Math.Round(Math.Cos(radians), 15);
        var sin = Math.Round(Math.Sin(radians), 15);
        return [cos, sin, (cos * -centerX) + (sin * -centerY) + centerX, -sin, cos, (-sin * -centerX) + (cos * -centerY) + centerY];
    }

    // A map in Pillow's pixel-edge coordinates (pixel x spans [x, x + 1)) turned into the
    // pixel-centre coordinates of ImageOps.WarpAffine: nearest then takes the same pixels.
    private static ImageData PillowAffine(ImageData image, double[] edge, Interpolation interpolation, byte[] fill)
    {
        double[] centre =
        [
            edge[0], edge[1], edge[2] + (0.5 * edge[0]) + (0.5 * edge[1]) - 0.5,
            edge[3], edge[4], edge[5] + (0.5 * edge[3]) + (0.5 * edge[4]) - 0.5,
        ];
        return ImageOps.WarpAffine(image, centre, interpolation, fill);
    }

    private static bool IsSigned(Operation operation) => operation is not (Operation.Posterize or Operation.Solarize);

    // torchvision's fill: 0 by default, one value for every channel or one per channel, truncated.
    private byte[] FillValues(DataSample sample)
    {
        var image = sample.Image;
        var values = fill ?? [0];
        if (values.Length != 1 && values.Length != image.Channels)
        {
            throw new InvalidOperationException(
                $"TrivialAugmentWide's fill has {values.Length} values, but the {image.ShapeText} image of {sample.Source} has {image.Channels} channels; give one value, or one per channel.");
        }

        return [.. Enumerable.Range(0, image.Channels).Select(channel => (byte)values[values.Length == 1 ? 0 : channel])];
    }
}
