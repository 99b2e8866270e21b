using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>ColorJitter: its ranges, draws and order; the Pillow arithmetic itself is held to torchvision in ColorOpsTests.</summary>
public sealed class ColorJitterTests
{
    private static readonly DataSample Color = new(AugmentationFixture.Image("color"), 0, "color");

    [Fact]
    public void A_pair_with_one_factor_applies_exactly_that_factor_with_Pillows_arithmetic()
    {
        var image = Color.Image;

        Assert.Equal(ColorOps.AdjustBrightness(image, 0.7, ImageBackend.Pillow).Pixels, Jitter(brightness: [0.7, 0.7]).Pixels);
        Assert.Equal(ColorOps.AdjustContrast(image, 1.6, ImageBackend.Pillow).Pixels, Jitter(contrast: [1.6, 1.6]).Pixels);
        Assert.Equal(ColorOps.AdjustColor(image, 0.2, ImageBackend.Pillow).Pixels, Jitter(saturation: [0.2, 0.2]).Pixels);
        Assert.Equal(ColorOps.AdjustHue(image, -0.25).Pixels, Jitter(hue: [-0.25, -0.25]).Pixels);

        static ImageData Jitter(double[]? brightness = null, double[]? contrast = null, double[]? saturation = null, double[]? hue = null) =>
            new ColorJitter(brightness, contrast, saturation, hue).Apply(Color, new Random(4)).Image;
    }

    [Fact]
    public void A_number_v_draws_factors_uniformly_from_one_minus_v_to_one_plus_v()
    {
        // A flat 200 image scaled by the brightness factor, truncated: 200 * factor.
        var flat = new DataSample(new ImageData(Enumerable.Repeat((byte)200, 4).ToArray(), 1, 2, 2), 0, "flat");
        var jitter = new ColorJitter(brightness: [0.25]);
        var wide = new ColorJitter(brightness: [1.5]);

        var factors = Enumerable.Range(0, 3000).Select(seed => jitter.Apply(flat, new Random(seed)).Image.Pixels[0] / 200.0).ToList();
        var clipped = Enumerable.Range(0, 3000).Select(seed => wide.Apply(flat, new Random(seed)).Image.Pixels[0]).ToList();

        // U(0.75, 1.25): mean 1 less the truncation's 0.0025; to 255 at most once the factor passes 1.275.
        Assert.InRange(factors.Min(), 0.75, 0.76);
        Assert.InRange(factors.Max(), 1.24, 1.25);
        Assert.InRange(factors.Average(), 0.9975 - 0.012, 0.9975 + 0.012);

        // [max(0, 1 - 1.5), 2.5]: a fifth of the factors fall below 0.5, one in 25 below 0.1, half above 1.275 (255).
        Assert.InRange(clipped.Count(value => value < 100), 600 - 110, 600 + 110);
        Assert.InRange(clipped.Count(value => value < 20), 120 - 54, 120 + 54);
        Assert.InRange(clipped.Count(value => value == 255), 1470 - 137, 1470 + 137);
    }

    [Fact]
    public void The_order_of_the_four_changes_is_drawn_per_image()
    {
        var jitter = new ColorJitter(brightness: [0.5, 0.5], contrast: [2, 2]);
        var brightnessFirst = ColorOps.AdjustContrast(ColorOps.AdjustBrightness(Color.Image, 0.5, ImageBackend.Pillow), 2, ImageBackend.Pillow).Pixels;
        var contrastFirst = ColorOps.AdjustBrightness(ColorOps.AdjustContrast(Color.Image, 2, ImageBackend.Pillow), 0.5, ImageBackend.Pillow).Pixels;
        Assert.NotEqual(brightnessFirst, contrastFirst);

        var outputs = Enumerable.Range(0, 200).Select(seed => jitter.Apply(Color, new Random(seed)).Image.Pixels).ToList();

        Assert.All(outputs, pixels => Assert.True(pixels.AsSpan().SequenceEqual(brightnessFirst) || pixels.AsSpan().SequenceEqual(contrastFirst)));
        Assert.InRange(outputs.Count(pixels => pixels.AsSpan().SequenceEqual(brightnessFirst)), 100 - 36, 100 + 36);
        Assert.Equal(outputs, Enumerable.Range(0, 200).Select(seed => jitter.Apply(Color, new Random(seed)).Image.Pixels));
    }

    [Fact]
    public void Zero_and_unset_change_nothing_and_a_grey_image_keeps_its_hue_and_saturation()
    {
        var gray = new DataSample(AugmentationFixture.Image("gray"), 0, "gray");

        Assert.Equal(Color.Image.Pixels, new ColorJitter(brightness: [0], contrast: [0], saturation: [0], hue: [0]).Apply(Color, new Random(1)).Image.Pixels);
        Assert.Equal(Color.Image.Pixels, new ColorJitter().Apply(Color, new Random(1)).Image.Pixels);
        Assert.Equal(gray.Image.Pixels, new ColorJitter(saturation: [0.9], hue: [0.4]).Apply(gray, new Random(1)).Image.Pixels);
    }

    [Fact]
    public void Bad_ranges_are_refused_naming_the_key()
    {
        Assert.Equal("brightness", Assert.Throws<ConfigValueException>(() => new ColorJitter(brightness: [-0.1])).Member);
        Assert.Equal("contrast", Assert.Throws<ConfigValueException>(() => new ColorJitter(contrast: [1.5, 0.5])).Member);
        Assert.Equal("saturation", Assert.Throws<ConfigValueException>(() => new ColorJitter(saturation: [0.5, 1, 1.5])).Member);
        Assert.Equal("hue", Assert.Throws<ConfigValueException>(() => new ColorJitter(hue: [0.6])).Member);
        Assert.Equal("hue", Assert.Throws<ConfigValueException>(() => new ColorJitter(hue: [-0.7, 0.1])).Member);
        Assert.Equal("backend", Assert.Throws<ConfigValueException>(() => new ColorJitter(backend: "cv2")).Member);
    }
}
