using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>EfficientNetRandomCrop: its random crops keep within mmpretrain's bounds, and its fallback is the central crop.</summary>
public sealed class EfficientNetRandomCropTests
{
    // Each pixel holds its own column (low byte) and row, so a crop shows where it came from.
    private static readonly DataSample Grid = new(
        new ImageData([.. Enumerable.Range(0, 60 * 80).Select(index => (byte)(index % 80)), .. Enumerable.Range(0, 60 * 80).Select(index => (byte)(index / 80))], 2, 60, 80),
        0,
        "grid");

    [Fact]
    public void A_random_crop_covers_the_asked_share_of_the_image_at_an_aspect_ratio_in_range()
    {
        // Nearest resizing to the image's own size keeps each crop's pixels readable.
        var transform = new EfficientNetRandomCrop(scale: 80, minCovered: 0.25, cropRatioRange: [0.2, 0.6], aspectRatioRange: [0.5, 2], interpolation: Interpolation.Nearest);

        for (var seed = 0; seed < 50; seed++)
        {
            var crop = transform.Apply(Grid, new Random(seed)).Image;
            Assert.Equal((2, 80, 80), (crop.Channels, crop.Height, crop.Width));
            var columns = crop.Pixels.Take(6400).Distinct().Count();
            var rows = crop.Pixels.Skip(6400).Distinct().Count();

            Assert.InRange(rows * columns, 0.25 * 4800, 0.6 * 4800);
            Assert.InRange((double)columns / rows, 0.5 - 0.05, 2 + 0.05);
        }

        Assert.Equal(transform.Apply(Grid, new Random(9)).Image.Pixels, transform.Apply(Grid, new Random(9)).Image.Pixels);
    }

    [Fact]
    public void Without_attempts_it_takes_EfficientNets_central_crop()
    {
        var transform = new EfficientNetRandomCrop(scale: 24, maxAttempts: 0, cropPadding: 8);

        var crop = transform.Apply(Grid, new Random(1)).Image;

        Assert.Equal(new EfficientNetCenterCrop(cropSize: 24, cropPadding: 8).Apply(Grid, new Random(1)).Image.Pixels, crop.Pixels);
        Assert.Equal("crop_ratio_range", Assert.Throws<ConfigValueException>(() => new EfficientNetRandomCrop(scale: 24, cropRatioRange: [0.9, 0.1])).Member);
        Assert.Equal("min_covered", Assert.Throws<ConfigValueException>(() => new EfficientNetRandomCrop(scale: 24, minCovered: -0.1)).Member);
    }
}
