using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;
using Operation = ImageClassifier.Data.Transforms.TrivialAugmentWide.Operation;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>
/// TrivialAugmentWide against torchvision 0.14 (Fixtures/Augmentation,
/// tools/fixtures/make_augmentation_fixtures.py): its geometric operations against torchvision's
/// affine and rotate on PIL images with nearest interpolation, byte for byte, and its magnitude
/// bins against its float32 tables. Its colour operations are Pillow's, held to torchvision in ColorOpsTests.
/// </summary>
public sealed class TrivialAugmentWideTests
{
    public static TheoryData<int, string> GeometricCases() =>
        AugmentationFixture.Cases("trivial_shear_x", "trivial_shear_y", "trivial_translate_x", "trivial_translate_y", "trivial_rotate");

    [Theory]
    [MemberData(nameof(GeometricCases))]
    public void Geometric_operations_match_torchvision_on_PIL_images(int index, string name)
    {
        var entry = AugmentationFixture.Case(index);
        var operation = entry.GetProperty("op").GetString() switch
        {
            "trivial_shear_x" => Operation.ShearX,
            "trivial_shear_y" => Operation.ShearY,
            "trivial_translate_x" => Operation.TranslateX,
            "trivial_translate_y" => Operation.TranslateY,
            _ => Operation.Rotate,
        };

        var result = TrivialAugmentWide.ApplyOperation(
            AugmentationFixture.Image("color"),
            operation,
            entry.GetProperty("value").GetDouble(),
            ImageClassifier.Data.Transforms.Interpolation.Nearest,
            AugmentationFixture.Bytes(entry.GetProperty("fill")));

        AugmentationFixture.AssertSamePixels(AugmentationFixture.Bytes(entry.GetProperty("expected")), result, name);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(8)]
    public void Magnitude_bins_are_torchvisions(int bins)
    {
        var table = AugmentationFixture.Root.GetProperty("trivial_augment_bins").GetProperty(bins.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var columns = new (Operation Operation, string Column)[]
        {
            (Operation.ShearX, "shear"), (Operation.ShearY, "shear"), (Operation.TranslateX, "translate"), (Operation.TranslateY, "translate"),
            (Operation.Rotate, "rotate"), (Operation.Brightness, "enhance"), (Operation.Color, "enhance"), (Operation.Contrast, "enhance"),
            (Operation.Sharpness, "enhance"), (Operation.Posterize, "posterize"), (Operation.Solarize, "solarize"),
        };

        foreach (var (operation, column) in columns)
        {
            var expected = AugmentationFixture.Numbers(table.GetProperty(column));
            for (var bin = 0; bin < bins; bin++)
            {
                // torch.linspace rounds to float32 in its own steps: within one float32 step of ours.
                Assert.Equal(expected[bin], TrivialAugmentWide.Magnitude(operation, bin, bins), Math.Max(1e-5, Math.Abs(expected[bin]) * 1e-6));
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_image_and_seeds_differ()
    {
        var sample = new DataSample(AugmentationFixture.Image("color"), 0, "color");
        var augment = new TrivialAugmentWide();

        var first = Enumerable.Range(0, 40).Select(seed => augment.Apply(sample, new Random(seed)).Image.Pixels).ToList();
        var second = Enumerable.Range(0, 40).Select(seed => augment.Apply(sample, new Random(seed)).Image.Pixels).ToList();

        Assert.Equal(first, second);
        Assert.True(first.Select(Convert.ToBase64String).Distinct().Count() > 25);
    }

    [Fact]
    public void Bad_settings_are_refused_and_a_fill_that_does_not_fit_names_the_sample()
    {
        Assert.Equal("num_magnitude_bins", Assert.Throws<ConfigValueException>(() => new TrivialAugmentWide(numMagnitudeBins: 1)).Member);
        Assert.Equal("fill", Assert.Throws<ConfigValueException>(() => new TrivialAugmentWide(fill: [300])).Member);

        var augment = new TrivialAugmentWide(fill: [1, 2]);
        var error = Assert.Throws<InvalidOperationException>(() => augment.Apply(new DataSample(AugmentationFixture.Image("color"), 0, "color.png"), new Random(0)));
        Assert.Contains("color.png", error.Message, StringComparison.Ordinal);
    }
}
