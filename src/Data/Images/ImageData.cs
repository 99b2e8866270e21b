namespace ImageClassifier.Data.Images;

/// <summary>
/// An 8-bit image in channel-first layout, (C, H, W): channel c, row y, column x is at
/// <c>Pixels[(c * Height + y) * Width + x]</c>. Colour images decoded from
/// files are BGR, as mmcv's; those of array datasets (CIFAR) are RGB, as mmpretrain keeps them
/// (docs/training.md, "Channel order"). Transforms return new images
/// and never change one they were given.
/// </summary>
public sealed class ImageData
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied) as a (C, H, W) image.</summary>
    /// <exception cref="ArgumentException">A size is not positive, or the buffer does not hold C * H * W bytes.</exception>
    public ImageData(byte[] pixels, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)channels * height * width != pixels.LongLength)
        {
            throw new ArgumentException($"A ({channels}, {height}, {width}) image needs {(long)channels * height * width} bytes, but the buffer holds {pixels.LongLength}.", nameof(pixels));
        }

        Pixels = pixels;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>The pixel bytes, channel-first.</summary>
    public byte[] Pixels { get; }

    /// <summary>The number of channels: 1 for grayscale, 3 for colour.</summary>
    public int Channels { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>"(C, H, W)", for messages.</summary>
    public string ShapeText => $"({Channels}, {Height}, {Width})";

    /// <summary>The byte at channel <paramref name="channel"/>, row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public byte this[int channel, int y, int x] => Pixels[((channel * Height) + y) * Width + x];
}
