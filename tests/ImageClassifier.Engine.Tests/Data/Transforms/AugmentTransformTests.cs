using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>mmpretrain's augmentation transforms (BaseAugTransform and the operations built on it).</summary>
public sealed class AugmentTransformTests
{
    public static TheoryData<int, string> WarpCases() => AugmentationFixture.Cases("opencv_warp");

    public static TheoryData<string> Operations() =>
    [
        "AutoContrast", "Brightness", "ColorTransform", "Contrast", "Cutout", "Equalize", "GaussianBlur", "Invert",
        "Posterize", "Rotate", "Sharpness", "Shear", "Solarize", "SolarizeAdd", "Translate",
    ];

    /// <summary>
    /// Rotate, Shear and Translate against mmcv's imrotate, imshear and imtranslate (OpenCV's
    /// warpAffine), written in numpy in tools/fixtures/make_augmentation_fixtures.py, with the
    /// matrix each transform builds itself.
    /// </summary>
    [Theory]
    [MemberData(nameof(WarpCases))]
    public void The_geometric_augmentations_warp_as_mmcv(int index, string name)
    {
        var entry = AugmentationFixture.Case(index);
        var value = entry.GetProperty("value");
        var magnitude = value.GetProperty("magnitude").GetDouble();
        var interpolation = Enum.Parse<Interpolation>(value.GetProperty("interpolation").GetString()!, ignoreCase: true);
        var fill = AugmentationFixture.Numbers(value.GetProperty("fill"));
        AugmentTransform transform = value.GetProperty("kind").GetString() switch
        {
            "rotate" => new Rotate(angle: magnitude, padVal: fill, prob: 1, randomNegativeProb: 0, interpolation: interpolation),
            "shear_horizontal" => new Shear(magnitude: magnitude, padVal: fill, prob: 1, randomNegativeProb: 0, interpolation: interpolation),
            "shear_vertical" => new Shear(magnitude: magnitude, padVal: fill, prob: 1, direction: AxisDirection.Vertical, randomNegativeProb: 0, interpolation: interpolation),
            "translate_horizontal" => new Translate(magnitude: magnitude, padVal: fill, prob: 1, randomNegativeProb: 0, interpolation: interpolation),
            _ => new Translate(magnitude: magnitude, padVal: fill, prob: 1, direction: AxisDirection.Vertical, randomNegativeProb: 0, interpolation: interpolation),
        };

        var augmented = transform.Apply(Sample(AugmentationFixture.Image("color")), new Random(1)).Image;

        AugmentationFixture.AssertSamePixels(AugmentationFixture.Bytes(entry.GetProperty("expected")), augmented, name);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Probability_zero_leaves_the_sample_alone_and_the_same_seed_gives_the_same_image(string name)
    {
        // Large enough for Equalize, which leaves a channel of fewer than 256 pixels as it is.
        var sample = Sample(new ImageData([.. Enumerable.Range(0, 3 * 24 * 24).Select(index => (byte)(index * 37 % 251))], 3, 24, 24));
        var transform = Make(name, prob: 0.5);

        Assert.Same(sample, Make(name, prob: 0).Apply(sample, new Random(3)));
        var first = Enumerable.Range(0, 20).Select(seed => transform.Apply(sample, new Random(seed)).Image.Pixels).ToList();
        var second = Enumerable.Range(0, 20).Select(seed => transform.Apply(sample, new Random(seed)).Image.Pixels).ToList();
        Assert.Equal(first, second);
        Assert.Contains(first, pixels => !pixels.AsSpan().SequenceEqual(sample.Image.Pixels));
        Assert.Contains(first, pixels => pixels.AsSpan().SequenceEqual(sample.Image.Pixels));
    }

    [Fact]
    public void A_level_maps_into_the_range_as_mmpretrain_maps_it()
    {
        var image = AugmentationFixture.Image("color");
        var fromLevel = new Rotate(magnitudeRange: [0, 30], magnitudeLevel: 9, totalLevel: 10, prob: 1, randomNegativeProb: 0);
        var given = new Rotate(angle: 27, prob: 1, randomNegativeProb: 0);

        Assert.Equal(27, fromLevel.LevelMagnitude(), 12);
        Assert.Equal(given.Apply(Sample(image), new Random(5)).Image.Pixels, fromLevel.Apply(Sample(image), new Random(5)).Image.Pixels);

        // Posterize rounds a level's magnitude up to whole bits: 9 / 10 of the way from 4 to 0 is 0.4, so 1 bit.
        var posterize = new Posterize(magnitudeRange: [4, 0], magnitudeLevel: 9, prob: 1);
        Assert.Equal(ColorOps.Posterize(image, 1).Pixels, posterize.Apply(Sample(image), new Random(1)).Image.Pixels);
        Assert.Throws<InvalidOperationException>(() => new Rotate(angle: 5).LevelMagnitude());
    }

    [Fact]
    public void The_magnitude_is_negated_with_random_negative_prob()
    {
        var image = AugmentationFixture.Image("color");

        var always = new Brightness(magnitude: 0.5, prob: 1, randomNegativeProb: 1).Apply(Sample(image), new Random(2)).Image;
        var never = new Brightness(magnitude: 0.5, prob: 1, randomNegativeProb: 0).Apply(Sample(image), new Random(2)).Image;

        Assert.Equal(ColorOps.AdjustBrightness(image, 0.5, ImageBackend.OpenCv).Pixels, always.Pixels);
        Assert.Equal(ColorOps.AdjustBrightness(image, 1.5, ImageBackend.OpenCv).Pixels, never.Pixels);
    }

    [Fact]
    public void Magnitude_std_draws_the_level_normally_or_uniformly_for_inf()
    {
        // Brightness of a flat 100 image by 1 + level / 10: the output is 100 + 10 * level, truncated.
        var flat = Sample(new ImageData(Enumerable.Repeat((byte)100, 16).ToArray(), 1, 4, 4));
        double Level(Brightness transform, int seed) => (transform.Apply(flat, new Random(seed)).Image.Pixels[0] - 100) / 10.0;

        var uniform = new Brightness(magnitudeRange: [0, 1], magnitudeLevel: 8, magnitudeStd: MagnitudeStd.Infinite, prob: 1, randomNegativeProb: 0);
        var normal = new Brightness(magnitudeRange: [0, 1], magnitudeLevel: 5, magnitudeStd: 1.0, prob: 1, randomNegativeProb: 0);
        var uniformLevels = Enumerable.Range(0, 2000).Select(seed => Level(uniform, seed)).ToList();
        var normalLevels = Enumerable.Range(0, 2000).Select(seed => Level(normal, seed)).ToList();

        // U(0, 8): mean 4 and standard deviation 2.31 (the truncation takes 0.05 off); N(5, 1): mean 5, deviation 1.
        Assert.InRange(uniformLevels.Min(), 0, 0.2);
        Assert.InRange(uniformLevels.Max(), 7.8, 8);
        Assert.InRange(uniformLevels.Average(), 3.95 - 0.3, 3.95 + 0.3);
        Assert.InRange(normalLevels.Average(), 4.95 - 0.12, 4.95 + 0.12);
        Assert.InRange(StandardDeviation(normalLevels), 0.9, 1.1);
        Assert.All(normalLevels, level => Assert.InRange(level, 0, 10));
        Assert.Equal(8, Level(new Brightness(magnitudeRange: [0, 1], magnitudeLevel: 8, magnitudeStd: 0.0, prob: 1, randomNegativeProb: 0), 1));
    }

    [Fact]
    public void Cutout_fills_a_rectangle_centred_on_a_random_point_cut_at_the_edges()
    {
        var image = new ImageData(Enumerable.Repeat((byte)200, 3 * 12 * 12).ToArray(), 3, 12, 12);
        var cutout = new Cutout(shape: [3, 5], padVal: [1, 2, 3], prob: 1);
        var fromLevel = new Cutout(magnitudeRange: [0, 8], magnitudeLevel: 5, padVal: [7], prob: 1);

        var boxes = new List<(int Rows, int Columns)>();
        var squares = new List<(int Rows, int Columns)>();
        for (var seed = 0; seed < 40; seed++)
        {
            var cut = cutout.Apply(Sample(image), new Random(seed)).Image;
            boxes.Add(FilledBox(cut, 1, 2));
            Assert.Equal(FilledBox(cut, 0, 1), boxes[^1]);
            Assert.Equal(FilledBox(cut, 2, 3), boxes[^1]);

            // 5 / 10 of the way to 8: a 4 x 4 square.
            squares.Add(FilledBox(fromLevel.Apply(Sample(image), new Random(seed)).Image, 0, 7));
        }

        Assert.All(boxes, box => Assert.True(box.Rows is >= 1 and <= 3 && box.Columns is >= 1 and <= 5, $"{box}"));
        Assert.Contains((3, 5), boxes);
        Assert.Contains(boxes, box => box != (3, 5));
        Assert.All(squares, box => Assert.True(box.Rows is >= 1 and <= 4 && box.Columns is >= 1 and <= 4, $"{box}"));
        Assert.Contains((4, 4), squares);
    }

    [Fact]
    public void Settings_are_refused_naming_the_key()
    {
        Assert.Equal("angle", Assert.Throws<ConfigValueException>(() => new Rotate()).Member);
        Assert.Equal("magnitude", Assert.Throws<ConfigValueException>(() => new Shear(magnitude: 0.1, magnitudeRange: [0, 0.3])).Member);
        Assert.Equal("magnitude_range", Assert.Throws<ConfigValueException>(() => new Brightness(magnitudeRange: [0.9])).Member);
        Assert.Equal("prob", Assert.Throws<ConfigValueException>(() => new Invert(prob: 1.5)).Member);
        Assert.Equal("random_negative_prob", Assert.Throws<ConfigValueException>(() => new Contrast(magnitude: 1, randomNegativeProb: -1)).Member);
        Assert.Equal("total_level", Assert.Throws<ConfigValueException>(() => new Solarize(magnitudeRange: [256, 0], totalLevel: 0)).Member);
        Assert.Equal("bits", Assert.Throws<ConfigValueException>(() => new Posterize(bits: 9)).Member);
        Assert.Equal("shape", Assert.Throws<ConfigValueException>(() => new Cutout(shape: [1, 2, 3])).Member);
        Assert.Equal("center", Assert.Throws<ConfigValueException>(() => new Rotate(angle: 1, center: [1, 2, 3])).Member);
    }

    [Fact]
    public void A_fill_that_does_not_fit_the_channels_names_the_sample()
    {
        var shear = new Shear(magnitude: 0.2, padVal: [1, 2, 3], prob: 1);

        var error = Assert.Throws<InvalidOperationException>(() => shear.Apply(new DataSample(AugmentationFixture.Image("gray"), 0, "gray.png"), new Random(0)));

        Assert.Contains("gray.png", error.Message, StringComparison.Ordinal);
        Assert.Contains("pad_val", error.Message, StringComparison.Ordinal);
    }

    private static DataSample Sample(ImageData image) => new(image, 1, "fixture");

    private static AugmentTransform Make(string name, double prob) => name switch
    {
        "AutoContrast" => new AutoContrast(prob),
        "Brightness" => new Brightness(magnitude: 0.3, prob: prob),
        "ColorTransform" => new ColorTransform(magnitude: 0.3, prob: prob),
        "Contrast" => new Contrast(magnitude: 0.3, prob: prob),
        "Cutout" => new Cutout(shape: [3], prob: prob),
        "Equalize" => new Equalize(prob),
        "GaussianBlur" => new GaussianBlur(radius: 1.5, prob: prob),
        "Invert" => new Invert(prob),
        "Posterize" => new Posterize(bits: 3, prob: prob),
        "Rotate" => new Rotate(angle: 20, prob: prob),
        "Sharpness" => new Sharpness(magnitude: 0.3, prob: prob),
        "Shear" => new Shear(magnitude: 0.2, prob: prob),
        "Solarize" => new Solarize(thr: 100, prob: prob),
        "SolarizeAdd" => new SolarizeAdd(magnitude: 40, prob: prob),
        _ => new Translate(magnitude: 0.2, prob: prob),
    };

    private static (int Rows, int Columns) FilledBox(ImageData image, int channel, byte fill)
    {
        var rows = Enumerable.Range(0, image.Height).Count(y => Enumerable.Range(0, image.Width).Any(x => image[channel, y, x] == fill));
        var columns = Enumerable.Range(0, image.Width).Count(x => Enumerable.Range(0, image.Height).Any(y => image[channel, y, x] == fill));
        Assert.Equal(rows * columns, Enumerable.Range(0, image.Height * image.Width).Count(index => image.Pixels[(channel * image.Height * image.Width) + index] == fill));
        return (rows, columns);
    }

    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(value => (value - mean) * (value - mean)) / (values.Count - 1));
    }
}
