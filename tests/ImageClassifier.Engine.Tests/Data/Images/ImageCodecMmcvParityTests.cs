using System.Text.Json;
using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Images;

/// <summary>
/// Image files decode as mmcv's LoadImageFromFile decodes them, against
/// Fixtures/ImageLoading/expected.json (tools/fixtures/make_image_loading_fixtures.py, Pillow):
/// BGR planes, greyscale replicated, palettes expanded, alpha dropped, JPEGs turned upright by their
/// EXIF orientation.
/// </summary>
public sealed class ImageCodecMmcvParityTests
{
    public static TheoryData<string> Pngs => ["rgb.png", "gray.png", "palette.png", "rgba.png", "gray_alpha.png"];

    // JPEGs at full chroma resolution, and every EXIF orientation of a 32x24 photo, which mmcv turns upright.
    public static TheoryData<string> Jpegs =>
    [
        "rgb.jpg", "rgb_420.jpg", .. Enumerable.Range(1, 8).Select(orientation => $"orientation_{orientation}.jpg"),
    ];

    [Theory]
    [MemberData(nameof(Pngs))]
    public void Png_files_decode_to_mmcvs_bgr_pixels_exactly(string name)
    {
        var expected = Expected(name);

        var image = ImageCodec.Decode(Path.Combine(Folder, name), ColorType.Color);

        Assert.Equal((3, expected.Height, expected.Width), (image.Channels, image.Height, image.Width));
        Assert.Equal(expected.ColorBgr, image.Pixels);
    }

    [Fact]
    public void A_colour_file_is_not_read_in_rgb_order()
    {
        // The fixture's channels differ everywhere, so this cannot pass by symmetry.
        var expected = Expected("rgb.png");
        var plane = expected.Height * expected.Width;

        var image = ImageCodec.Decode(Path.Combine(Folder, "rgb.png"), ColorType.Color);

        Assert.NotEqual(image.Pixels.AsSpan(0, plane).ToArray(), image.Pixels.AsSpan(2 * plane, plane).ToArray());
    }

    [Theory]
    [MemberData(nameof(Pngs))]
    public void Grayscale_decoding_is_pillows_luma_within_one_level(string name)
    {
        var expected = Expected(name);

        var image = ImageCodec.Decode(Path.Combine(Folder, name), ColorType.Grayscale);

        Assert.Equal(1, image.Channels);
        var worst = image.Pixels.Zip(expected.Grayscale, (ours, pillow) => Math.Abs(ours - pillow)).Max();
        Assert.True(worst <= 1, $"{name}: greyscale differs from Pillow's by up to {worst} levels");
    }

    [Fact]
    public void Png_round_trips_through_the_writer_in_bgr_order()
    {
        var original = ImageCodec.Decode(Path.Combine(Folder, "rgb.png"), ColorType.Color);
        var path = Path.Combine(Path.GetTempPath(), $"icls-bgr-{Guid.NewGuid():N}.png");
        try
        {
            ImageCodec.WritePng(original, path);

            Assert.Equal(original.Pixels, ImageCodec.Decode(path, ColorType.Color).Pixels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Jpegs))]
    public void Jpeg_decoding_stays_close_to_pillows(string name)
    {
        // JPEG decoders may round the inverse DCT and colour conversion differently; docs/training.md
        // gives the measured difference against Pillow (libjpeg-turbo).
        var expected = Expected(name);

        var image = ImageCodec.Decode(Path.Combine(Folder, name), ColorType.Color);

        Assert.Equal((expected.Height, expected.Width), (image.Height, image.Width));
        var differences = image.Pixels.Zip(expected.ColorBgr, (ours, pillow) => Math.Abs(ours - pillow)).ToArray();
        Assert.True(differences.Max() <= 2, $"{name}: max |ours - Pillow| = {differences.Max()}, mean {differences.Average():F3}");
    }

    internal static string Folder => FixturePaths.Folder("ImageLoading");

    private static ExpectedImage Expected(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
        var image = document.RootElement.GetProperty("images").GetProperty(name);
        return new ExpectedImage(
            image.GetProperty("height").GetInt32(),
            image.GetProperty("width").GetInt32(),
            [.. image.GetProperty("color_bgr").EnumerateArray().Select(value => (byte)value.GetInt32())],
            [.. image.GetProperty("grayscale").EnumerateArray().Select(value => (byte)value.GetInt32())]);
    }

    private sealed record ExpectedImage(int Height, int Width, byte[] ColorBgr, byte[] Grayscale);
}
