using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

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

    [Fact]
    public void The_image_checks_its_buffer_size()
    {
        Assert.Throws<ArgumentException>(() => new ImageData(new byte[5], 1, 2, 2));
    }
}
