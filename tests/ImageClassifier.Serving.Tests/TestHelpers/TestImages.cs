using ImageClassifier.Data.Images;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Serving.Tests.TestHelpers;

/// <summary>Small PNG files made from seeded random pixels.</summary>
internal static class TestImages
{
    public static ImageData Pixels(int seed, int channels = 3, int height = 12, int width = 10)
    {
        var random = new Random(seed);
        var pixels = new byte[channels * height * width];
        random.NextBytes(pixels);
        return new ImageData(pixels, channels, height, width);
    }

    /// <summary>The PNG file's bytes of <see cref="Pixels"/>.</summary>
    public static byte[] Png(int seed, int channels = 3, int height = 12, int width = 10)
    {
        using var folder = new TempFolder();
        var path = folder.Combine("image.png");
        ImageCodec.WritePng(Pixels(seed, channels, height, width), path);
        return File.ReadAllBytes(path);
    }

    /// <summary>A PNG file cut short after its header: the decoder knows the format, not the pixels.</summary>
    public static byte[] TruncatedPng(int seed) => Png(seed)[..40];
}
