using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Images;

public sealed class ImageOpsTests
{
    private static ImageData Row(params byte[] values) => new(values, 1, 1, values.Length);

    [Theory]
    [InlineData(PaddingMode.Constant, new byte[] { 9, 9, 1, 2, 3, 9, 9 })]
    [InlineData(PaddingMode.Edge, new byte[] { 1, 1, 1, 2, 3, 3, 3 })]
    [InlineData(PaddingMode.Reflect, new byte[] { 3, 2, 1, 2, 3, 2, 1 })]
    [InlineData(PaddingMode.Symmetric, new byte[] { 2, 1, 1, 2, 3, 3, 2 })]
    public void Padding_modes_fill_as_mmcv_does(PaddingMode mode, byte[] expected)
    {
        var padded = ImageOps.Pad(Row(1, 2, 3), 2, 0, 2, 0, mode, value: 9);

        Assert.Equal(expected, padded.Pixels);
    }

    [Fact]
    public void Crop_takes_the_region_from_every_channel()
    {
        var image = new ImageData([.. Enumerable.Range(0, 2 * 3 * 3).Select(value => (byte)value)], 2, 3, 3);

        var crop = ImageOps.Crop(image, 1, 1, 2, 2);

        Assert.Equal([4, 5, 7, 8, 13, 14, 16, 17], crop.Pixels);
    }

    [Fact]
    public void Crop_outside_the_image_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageOps.Crop(Row(1, 2, 3), 0, 2, 1, 2));
    }

    [Theory]
    [InlineData(FlipDirection.Horizontal, new byte[] { 2, 1, 4, 3 })]
    [InlineData(FlipDirection.Vertical, new byte[] { 3, 4, 1, 2 })]
    [InlineData(FlipDirection.Diagonal, new byte[] { 4, 3, 2, 1 })]
    public void Flips_mirror_the_image(FlipDirection direction, byte[] expected)
    {
        var flipped = ImageOps.Flip(new ImageData([1, 2, 3, 4], 1, 2, 2), direction);

        Assert.Equal(expected, flipped.Pixels);
    }

    [Fact]
    public void Bilinear_upscaling_interpolates_between_pixel_centres()
    {
        var resized = ImageOps.Resize(Row(0, 100), 1, 4, Interpolation.Bilinear);

        // Output centres 0.5, 1.5, 2.5, 3.5 map to source positions -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        Assert.Equal([0, 25, 75, 100], resized.Pixels);
    }

    [Fact]
    public void Nearest_downscaling_picks_source_pixels()
    {
        var resized = ImageOps.Resize(Row(10, 20, 30, 40), 1, 2, Interpolation.Nearest);

        Assert.Equal([10, 30], resized.Pixels);
    }

    public static TheoryData<int, string> WarpCases() => AugmentationFixture.Cases("opencv_warp");

    /// <summary>
    /// Against OpenCV's warpAffine with a constant border, written in float64 numpy in
    /// tools/fixtures/make_augmentation_fixtures.py (OpenCV itself is not installable there); the
    /// script checks its nearest rotations against torchvision 0.14's rotate on tensors.
    /// </summary>
    [Theory]
    [MemberData(nameof(WarpCases))]
    public void WarpAffine_samples_as_OpenCV_with_a_constant_border(int index, string name)
    {
        var entry = AugmentationFixture.Case(index);
        var value = entry.GetProperty("value");
        var interpolation = Enum.Parse<Interpolation>(value.GetProperty("interpolation").GetString()!, ignoreCase: true);

        var warped = ImageOps.WarpAffine(
            AugmentationFixture.Image("color"),
            AugmentationFixture.Numbers(value.GetProperty("inverse")),
            interpolation,
            AugmentationFixture.Bytes(value.GetProperty("fill")));

        AugmentationFixture.AssertSamePixels(AugmentationFixture.Bytes(entry.GetProperty("expected")), warped, name);
    }

    [Fact]
    public void WarpAffine_with_the_identity_keeps_the_image_and_a_far_shift_leaves_the_fill()
    {
        var image = AugmentationFixture.Image("color");

        foreach (var interpolation in Enum.GetValues<Interpolation>())
        {
            Assert.Equal(image.Pixels, ImageOps.WarpAffine(image, [1, 0, 0, 0, 1, 0], interpolation, [1, 2, 3]).Pixels);
            var gone = ImageOps.WarpAffine(image, [1, 0, 50, 0, 1, 0], interpolation, [1, 2, 3]);
            Assert.Equal([.. Enumerable.Repeat((byte)1, 99), .. Enumerable.Repeat((byte)2, 99), .. Enumerable.Repeat((byte)3, 99)], gone.Pixels);
        }

        Assert.Throws<ArgumentException>(() => ImageOps.WarpAffine(image, [1, 0, 0, 0, 1, 0], Interpolation.Nearest, [0]));
    }

    /// <summary>
    /// Against torch 1.13's bicubic interpolate (align_corners=False, the same a = -0.75 kernel and
    /// edge clamping as OpenCV's INTER_CUBIC) in float64, rounded half up here; a value within 1e-9
    /// of a half, where the two sums may round apart, is left out.
    /// </summary>
    [Fact]
    public void Bicubic_resizing_matches_torch_rounded()
    {
        var image = AugmentationFixture.Image("color");
        foreach (var resize in AugmentationFixture.Root.GetProperty("bicubic_resize").EnumerateArray())
        {
            var (height, width) = (resize.GetProperty("height").GetInt32(), resize.GetProperty("width").GetInt32());
            var values = AugmentationFixture.Numbers(resize.GetProperty("values"));

            var resized = ImageOps.Resize(image, height, width, Interpolation.Bicubic);

            var compared = 0;
            for (var index = 0; index < values.Length; index++)
            {
                if (Math.Abs(values[index] - Math.Floor(values[index]) - 0.5) < 1e-9)
                {
                    continue;
                }

                Assert.Equal((byte)Math.Clamp(Math.Floor(values[index] + 0.5), 0, 255), resized.Pixels[index]);
                compared++;
            }

            Assert.True(compared > values.Length * 0.95, $"only {compared} of {values.Length} values were compared");
        }
    }

    [Fact]
    public void The_image_checks_its_buffer_size()
    {
        Assert.Throws<ArgumentException>(() => new ImageData(new byte[5], 1, 2, 2));
    }
}
