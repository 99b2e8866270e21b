using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;
using ImageClassifier.Engine.Tests.TestHelpers;

namespace ImageClassifier.Engine.Tests.Data.Transforms;

/// <summary>RandomGrayscale; its weighting is held to mmcv's formula in ColorOpsTests.</summary>
public sealed class RandomGrayscaleTests
{
    private static readonly DataSample Color = new(AugmentationFixture.Image("color"), 0, "color");

    [Fact]
    public void Greys_with_the_weights_into_one_channel_or_every_channel()
    {
        double[] weights = [0.114, 0.587, 0.2989];
        var gray = ColorOps.Grayscale(Color.Image, weights);

        var single = new RandomGrayscale(prob: 1, channelWeights: weights).Apply(Color, new Random(0)).Image;
        var kept = new RandomGrayscale(prob: 1, keepChannels: true, channelWeights: weights).Apply(Color, new Random(0)).Image;

        Assert.Equal(1, single.Channels);
        Assert.Equal(gray.Pixels, single.Pixels);
        Assert.Equal(3, kept.Channels);
        Assert.Equal([.. gray.Pixels, .. gray.Pixels, .. gray.Pixels], kept.Pixels);
    }

    [Fact]
    public void Greys_a_prob_share_of_images_and_leaves_grey_ones_alone()
    {
        var transform = new RandomGrayscale(prob: 0.2);
        var grey = new DataSample(AugmentationFixture.Image("gray"), 0, "gray");

        var greyed = Enumerable.Range(0, 2000).Count(seed => transform.Apply(Color, new Random(seed)).Image.Channels == 1);

        // 400 expected; 5 standard deviations: 89.
        Assert.InRange(greyed, 400 - 89, 400 + 89);
        Assert.Same(grey, new RandomGrayscale(prob: 1).Apply(grey, new Random(0)));
        Assert.Same(Color, new RandomGrayscale(prob: 0).Apply(Color, new Random(0)));
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_key_and_a_weight_count_that_does_not_fit_names_the_sample()
    {
        Assert.Equal("prob", Assert.Throws<ConfigValueException>(() => new RandomGrayscale(prob: 2)).Member);
        Assert.Equal("channel_weights", Assert.Throws<ConfigValueException>(() => new RandomGrayscale(channelWeights: [1, -1])).Member);
        Assert.Equal("color_format", Assert.Throws<ConfigValueException>(() => new RandomGrayscale(colorFormat: "hsv")).Member);

        var error = Assert.Throws<InvalidOperationException>(() => new RandomGrayscale(prob: 1, channelWeights: [1, 1]).Apply(Color, new Random(0)));
        Assert.Contains("color", error.Message, StringComparison.Ordinal);
    }
}
