using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Images;

/// <summary>
/// The colour operations against Fixtures/Augmentation (tools/fixtures/make_augmentation_fixtures.py),
/// byte for byte. References: torchvision 0.14's adjust_brightness, adjust_contrast,
/// adjust_saturation, adjust_hue, adjust_sharpness, autocontrast and solarize on PIL images
/// (Pillow's arithmetic, which mmcv's pillow backend shares); torchvision's equalize, invert and
/// posterize on uint8 tensors; Pillow's ImageFilter.GaussianBlur, which mmpretrain's GaussianBlur
/// calls (torchvision's gaussian_blur is a true Gaussian, another filter). Where mmcv computes with
/// cv2 (the OpenCV backend: RandAugment's Brightness, Contrast, ColorTransform and Sharpness) and for
/// mmcv's RandomGrayscale and mmpretrain's SolarizeAdd, the reference is the mmcv formula written in
/// numpy in the script: float32 as cv2.addWeighted computes, OpenCV's fixed-point grey weights,
/// float64 elsewhere.
/// </summary>
public sealed class ColorOpsTests
{
    public static TheoryData<int, string> PillowCases() =>
        AugmentationFixture.Cases("pillow_brightness", "pillow_contrast", "pillow_saturation", "pillow_sharpness", "pillow_hue");

    public static TheoryData<int, string> OpenCvCases() =>
        AugmentationFixture.Cases("opencv_brightness", "opencv_contrast", "opencv_color", "opencv_sharpness");

    public static TheoryData<int, string> PixelCases() =>
        AugmentationFixture.Cases("autocontrast", "equalize", "invert", "posterize", "solarize", "grayscale", "gaussian_blur");

    public static TheoryData<int, string> SolarizeAddCases() => AugmentationFixture.Cases("solarize_add");

    [Theory]
    [MemberData(nameof(PillowCases))]
    public void Pillow_arithmetic_matches_torchvision_on_PIL_images(int index, string name)
    {
        var (op, image, value) = Read(index);

        var actual = op switch
        {
            "pillow_brightness" => ColorOps.AdjustBrightness(image, value, ImageBackend.Pillow),
            "pillow_contrast" => ColorOps.AdjustContrast(image, value, ImageBackend.Pillow),
            "pillow_saturation" => ColorOps.AdjustColor(image, value, ImageBackend.Pillow),
            "pillow_sharpness" => ColorOps.AdjustSharpness(image, value, ImageBackend.Pillow),
            "pillow_hue" => ColorOps.AdjustHue(image, value),
            _ => throw new InvalidOperationException(op),
        };

        AugmentationFixture.AssertSamePixels(AugmentationFixture.Bytes(AugmentationFixture.Case(index).GetProperty("expected")), actual, name);
    }

    [Theory]
    [MemberData(nameof(OpenCvCases))]
    public void OpenCv_arithmetic_matches_mmcvs_formulas(int index, string name)
    {
        var (op, image, value) = Read(index);
        var actual = op switch
        {
            "opencv_brightness" => ColorOps.AdjustBrightness(image, value, ImageBackend.OpenCv),
            "opencv_contrast" => ColorOps.AdjustContrast(image, value, ImageBackend.OpenCv),
            "opencv_color" => ColorOps.AdjustColor(image, value, ImageBackend.OpenCv),
            "opencv_sharpness" => ColorOps.AdjustSharpness(image, value, ImageBackend.OpenCv),
            _ => throw new InvalidOperationException(op),
        };

        AugmentationFixture.AssertSamePixels(AugmentationFixture.Bytes(AugmentationFixture.Case(index).GetProperty("expected")), actual, name);
    }

    [Theory]
    [MemberData(nameof(PixelCases))]
    public void Value_maps_and_filters_match_their_references(int index, string name)
    {
        var entry = AugmentationFixture.Case(index);
        var image = AugmentationFixture.Image(entry.GetProperty("image").GetString()!);
        var value = entry.GetProperty("value");

        var actual = entry.GetProperty("op").GetString() switch
        {
            "autocontrast" => ColorOps.AutoContrast(image),
            "equalize" => ColorOps.Equalize(image),
            "invert" => ColorOps.Invert(image),
            "posterize" => ColorOps.Posterize(image, value.GetInt32()),
            "solarize" => ColorOps.Solarize(image, value.GetDouble()),
            "grayscale" => ColorOps.Grayscale(image, AugmentationFixture.Numbers(value)),
            "gaussian_blur" => ColorOps.GaussianBlur(image, value.GetDouble()),
            var op => throw new InvalidOperationException(op),
        };

        AugmentationFixture.AssertSamePixels(AugmentationFixture.Bytes(entry.GetProperty("expected")), actual, name);
    }

    [Theory]
    [MemberData(nameof(SolarizeAddCases))]
    public void SolarizeAdd_matches_mmpretrains_formula(int index, string name)
    {
        var entry = AugmentationFixture.Case(index);
        var (magnitude, threshold) = (entry.GetProperty("value")[0].GetDouble(), entry.GetProperty("value")[1].GetDouble());

        var actual = ColorOps.SolarizeAdd(AugmentationFixture.Image(entry.GetProperty("image").GetString()!), magnitude, threshold);

        AugmentationFixture.AssertSamePixels(AugmentationFixture.Bytes(entry.GetProperty("expected")), actual, name);
    }

    [Fact]
    public void Colour_changes_leave_a_grey_image_grey_and_the_input_untouched()
    {
        var gray = AugmentationFixture.Image("gray");
        var color = AugmentationFixture.Image("color");
        var before = (byte[])color.Pixels.Clone();

        Assert.Same(gray, ColorOps.AdjustHue(gray, 0.3));
        Assert.Same(gray, ColorOps.AdjustColor(gray, 0.2, ImageBackend.OpenCv));
        Assert.Same(gray, ColorOps.Grayscale(gray, [1, 1, 1]));
        _ = ColorOps.AdjustHue(color, 0.3);
        _ = ColorOps.GaussianBlur(color, 1.5);
        Assert.Equal(before, color.Pixels);
    }

    private static (string Op, ImageData Image, double Value) Read(int index)
    {
        var entry = AugmentationFixture.Case(index);
        return (entry.GetProperty("op").GetString()!, AugmentationFixture.Image(entry.GetProperty("image").GetString()!), entry.GetProperty("value").ValueKind == System.Text.Json.JsonValueKind.Number ? entry.GetProperty("value").GetDouble() : double.NaN);
    }
}
