using ImageClassifier.Data;
using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;
using Xunit.Abstractions;

namespace ImageClassifier.Engine.Tests.Data.Images;

/// <summary>
/// The committed corpus of tools/fixtures/make_hostile_fixtures.py: each hostile image fails
/// with a <see cref="DataFormatException"/> naming the file and what is wrong, before anything
/// is allocated for its pixels; each control image from the same writers decodes.
/// </summary>
public sealed class ImageCodecTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string Hostile(string name) => Path.Combine(FixturePaths.Folder("Hostile"), name);

    public static TheoryData<string, string[]> OversizedImages() => new()
    {
        // the three PNGs: a segfault, 1.8 GB, an OverflowException without a file name
        { "png_46341x46341.png", ["46341x46341", "2,147,488,281 pixels", "limit of 89,478,485 pixels", "ICLS_MAX_IMAGE_PIXELS"] },
        { "png_20000x20000.png", ["20000x20000", "400,000,000 pixels", "limit of 89,478,485 pixels"] },
        { "png_65535x65535.png", ["65535x65535", "4,294,836,225 pixels", "limit of 89,478,485 pixels"] },
        { "png_1000000x1000000.png", ["1000000x1000000", "limit of 89,478,485 pixels"] },
        { "jpeg_65500x65500.jpg", ["JPEG header declares a 65500x65500 image", "limit of 89,478,485 pixels"] },
        { "bmp_50000x50000.bmp", ["50000x50000", "limit of 89,478,485 pixels"] },
        { "bmp_top_down_50000x50000.bmp", ["50000x50000", "limit of 89,478,485 pixels"] },
        { "gif_65535x65535.gif", ["65535x65535", "limit of 89,478,485 pixels"] },
        { "webp_16384x16384.webp", ["16384x16384", "limit of 89,478,485 pixels"] },
    };

    [Theory]
    [MemberData(nameof(OversizedImages))]
    public void An_image_declaring_more_pixels_than_the_limit_is_refused_from_its_header(string name, string[] expected)
    {
        var path = Hostile(name);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<DataFormatException>(() => ImageCodec.Decode(path));

        // Nothing near the declared size was allocated: the refusal came from the header.
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, 0, 1 << 20);
        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message);
        foreach (var part in expected)
        {
            Assert.Contains(part, error.Message);
        }

        Assert.False(ImageCodec.TryReadHeader(path, out var problem));
        Assert.Contains("limit of 89,478,485 pixels", problem);
    }

    [Theory]
    [InlineData("png_0x16.png")]
    [InlineData("png_negative_width.png")]
    [InlineData("png_2000000x16.png")]
    [InlineData("png_idat_length_overflow.png")]
    [InlineData("png_bad_ihdr_crc.png")]
    [InlineData("png_no_idat.png")]
    [InlineData("png_truncated_in_idat.png")]
    [InlineData("png_signature_only.png")]
    [InlineData("jpeg_0x16.jpg")]
    [InlineData("jpeg_truncated_in_header.jpg")]
    [InlineData("bmp_negative_width.bmp")]
    [InlineData("text_named_png.png")]
    [InlineData("empty.png")]
    public void A_malformed_image_is_a_format_error_naming_the_file(string name)
    {
        var path = Hostile(name);

        var error = Assert.Throws<DataFormatException>(() => ImageCodec.Decode(path));

        output.WriteLine(error.Message);
        Assert.Equal(path, error.Path);
        Assert.StartsWith($"'{path}': ", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Problem));
        Assert.DoesNotContain("overflow", error.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("valid_16x16.png", 16, 16)]
    [InlineData("valid_16x16.jpg", 16, 16)]
    [InlineData("valid_4x3.bmp", 3, 4)]
    [InlineData("valid_1x1.gif", 1, 1)]
    public void The_corpus_writers_make_readable_images_when_the_sizes_are_honest(string name, int height, int width)
    {
        var image = ImageCodec.Decode(Hostile(name));

        Assert.Equal((3, height, width), (image.Channels, image.Height, image.Width));
        Assert.True(ImageCodec.TryReadHeader(Hostile(name), out var problem), problem);
    }

    [Fact]
    public void The_pixel_limit_is_an_option_and_counts_width_times_height()
    {
        var path = folder.Combine("small.png");
        Fixtures.WritePng(path, 3, 10, 20, 1);

        var atLimit = ImageCodec.Decode(path, options: new ImageDecodeOptions { MaxPixels = 200 });
        var error = Assert.Throws<DataFormatException>(() => ImageCodec.Decode(path, options: new ImageDecodeOptions { MaxPixels = 199 }));

        Assert.Equal((10, 20), (atLimit.Height, atLimit.Width));
        Assert.Contains("20x10 image (200 pixels), more than the limit of 199 pixels", error.Message);
    }

    [Fact]
    public void The_memory_limit_counts_the_decode_buffer_and_the_channels_kept()
    {
        var path = folder.Combine("small.png");
        Fixtures.WritePng(path, 3, 10, 20, 1);

        // 200 pixels: 800 bytes of RGBA, then 600 bytes of RGB or 200 of grayscale.
        var options = new ImageDecodeOptions { MaxBytes = 1000 };
        var gray = ImageCodec.Decode(path, ColorType.Grayscale, options);
        var error = Assert.Throws<DataFormatException>(() => ImageCodec.Decode(path, ColorType.Color, options));

        Assert.Equal(1, gray.Channels);
        Assert.Contains("needs 1,400 bytes to decode, more than the limit of 1,000 bytes", error.Message);
        Assert.Contains(ImageDecodeOptions.MaxBytesVariable, error.Message);
    }

    [Fact]
    public void The_environment_sets_the_default_limits()
    {
        var variables = new Dictionary<string, string>
        {
            [ImageDecodeOptions.MaxPixelsVariable] = "1000",
            [ImageDecodeOptions.MaxBytesVariable] = "2M",
        };

        var options = ImageDecodeOptions.FromEnvironment(name => variables.GetValueOrDefault(name));
        var defaults = ImageDecodeOptions.FromEnvironment(_ => null);
        var unlimited = ImageDecodeOptions.FromEnvironment(_ => "none");

        Assert.Equal((1000L, 2L << 20), (options.MaxPixels, options.MaxBytes));
        Assert.Equal((89_478_485L, 1L << 30), (defaults.MaxPixels, defaults.MaxBytes));
        Assert.Equal(long.MaxValue, unlimited.MaxPixels);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("99999999999T")]
    public void A_limit_that_is_not_a_positive_number_is_refused_naming_the_variable(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => ImageDecodeOptions.FromEnvironment(name => name == ImageDecodeOptions.MaxPixelsVariable ? value : null));

        Assert.Contains($"{ImageDecodeOptions.MaxPixelsVariable}={value}", error.Message);
        Assert.Contains("expected a positive whole number", error.Message);
    }

    [Fact]
    public void Even_without_limits_an_image_beyond_one_buffer_is_refused_not_overflowed()
    {
        var unlimited = new ImageDecodeOptions { MaxPixels = long.MaxValue, MaxBytes = long.MaxValue };

        var error = Assert.Throws<DataFormatException>(() => ImageCodec.Decode(Hostile("png_65535x65535.png"), options: unlimited));

        Assert.Contains("65535x65535", error.Message);
        Assert.Contains("more than one buffer can hold", error.Message);
    }

    [Fact]
    public void A_missing_file_is_named_as_missing()
    {
        var path = folder.Combine("nowhere.png");

        var error = Assert.Throws<DataFormatException>(() => ImageCodec.Decode(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("no such file", error.Message);
    }
}
