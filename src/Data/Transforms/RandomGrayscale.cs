using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmcv's <c>RandomGrayscale</c> (which mmpretrain registers): with probability <c>prob</c>, a
/// colour image becomes grey, its channels weighted by <c>channel_weights</c> (divided by their
/// sum, in the image's channel order: B, G, R for decoded files) and truncated; one channel, or
/// the grey copied into every channel with <c>keep_channels</c>. A grey image is left as it is.
/// </summary>
[RegisterModel]
public sealed class RandomGrayscale : Transform
{
    private readonly double prob;
    private readonly bool keepChannels;
    private readonly double[] channelWeights;

    /// <summary>Creates the transform.</summary>
    /// <param name="prob">The probability of greying, 0 to 1.</param>
    /// <param name="keepChannels">Keep the channel count, the grey repeated in each.</param>
    /// <param name="channelWeights">One weight per channel, in the image's order; mmpretrain's configs use [0.114, 0.587, 0.2989] for BGR.</param>
    /// <param name="colorFormat">"bgr" or "rgb", which change nothing here (the weights follow the channels); mmcv's "hsv" is not supported, images here are never HSV.</param>
    public RandomGrayscale(
        [ValueRange(0, 1)] double prob = 0.1,
        bool keepChannels = false,
        [DefaultItems(1.0, 1.0, 1.0)] double[]? channelWeights = null,
        [OneOf("bgr", "rgb")] string colorFormat = "bgr")
    {
        channelWeights ??= [1.0, 1.0, 1.0];
        if (!(prob >= 0 && prob <= 1))
        {
            throw new ConfigValueException("prob", prob, "between 0 and 1");
        }

        if (channelWeights.Length == 0 || !(channelWeights.Sum() != 0) || !channelWeights.All(double.IsFinite))
        {
            throw new ConfigValueException("channel_weights", channelWeights, "one weight per channel, with a sum other than 0");
        }

        if (colorFormat is not ("bgr" or "rgb"))
        {
            throw new ConfigValueException("color_format", colorFormat, "\"bgr\" or \"rgb\" (images here are never HSV)");
        }

        this.prob = prob;
        this.keepChannels = keepChannels;
        this.channelWeights = [.. channelWeights];
    }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(random);
        var image = sample.Image;
        var draw = random.NextDouble();
        if (draw >= prob || image.Channels == 1)
        {
            return sample;
        }

        if (image.Channels != channelWeights.Length)
        {
            throw new InvalidOperationException(
                $"RandomGrayscale has {channelWeights.Length} channel_weights, but the {image.ShapeText} image of {sample.Source} has {image.Channels} channels.");
        }

        var gray = ColorOps.Grayscale(image, channelWeights);
        if (!keepChannels)
        {
            return sample with { Image = gray };
        }

        var pixels = new byte[image.Pixels.Length];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            gray.Pixels.CopyTo(pixels, channel * gray.Pixels.Length);
        }

        return sample with { Image = new ImageData(pixels, image.Channels, image.Height, image.Width) };
    }
}
