using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Images;

/// <summary>The geometric operations transforms are made of, on (C, H, W) byte images.</summary>
public static class ImageOps
{
    /// <summary>The <paramref name="height"/> x <paramref name="width"/> region whose top-left pixel is (<paramref name="top"/>, <paramref name="left"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The region is empty or leaves the image.</exception>
    public static ImageData Crop(ImageData image, int top, int left, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (height <= 0 || width <= 0 || top < 0 || left < 0 || top + height > image.Height || left + width > image.Width)
        {
            throw new ArgumentOutOfRangeException(
                nameof(height),
                $"The crop of {height}x{width} at ({top}, {left}) does not fit in the {image.Height}x{image.Width} image.");
        }

        if (top == 0 && left == 0 && height == image.Height && width == image.Width)
        {
            return image;
        }

        var pixels = new byte[image.Channels * height * width];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            for (var y = 0; y < height; y++)
            {
                var source = ((channel * image.Height) + top + y) * image.Width + left;
                Array.Copy(image.Pixels, source, pixels, ((channel * height) + y) * width, width);
            }
        }

        return new ImageData(pixels, image.Channels, height, width);
    }

    /// <summary>Adds borders of the given widths, filled as <paramref name="mode"/> says.</summary>
    /// <param name="image">The image.</param>
    /// <param name="left">Columns added on the left.</param>
    /// <param name="top">Rows added on top.</param>
    /// <param name="right">Columns added on the right.</param>
    /// <param name="bottom">Rows added at the bottom.</param>
    /// <param name="mode">How the new pixels are filled.</param>
    /// <param name="value">The fill of <see cref="PaddingMode.Constant"/>, rounded and clamped to 0-255.</param>
    /// <exception cref="ArgumentOutOfRangeException">A border is negative, or a reflection is wider than the image allows.</exception>
    public static ImageData Pad(ImageData image, int left, int top, int right, int bottom, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (left < 0 || top < 0 || right < 0 || bottom < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(left), $"Padding must not be negative, but got left {left}, top {top}, right {right}, bottom {bottom}.");
        }

        if (left + top + right + bottom == 0)
        {
            return image;
        }

        var height = image.Height + top + bottom;
        var width = image.Width + left + right;
        var rows = new int[height];
        var columns = new int[width];
        for (var y = 0; y < height; y++)
        {
            rows[y] = SourceIndex(y - top, image.Height, mode);
        }

        for (var x = 0; x < width; x++)
        {
            columns[x] = SourceIndex(x - left, image.Width, mode);
        }

        var fill = (byte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
        var pixels = new byte[image.Channels * height * width];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            for (var y = 0; y < height; y++)
            {
                var target = ((channel * height) + y) * width;
                var sourceRow = rows[y];
                for (var x = 0; x < width; x++)
                {
                    var sourceColumn = columns[x];
                    pixels[target + x] = sourceRow < 0 || sourceColumn < 0
                        ? fill
                        : image.Pixels[((channel * image.Height) + sourceRow) * image.Width + sourceColumn];
                }
            }
        }

        return new ImageData(pixels, image.Channels, height, width);
    }

    /// <summary>The image mirrored as <paramref name="direction"/> says.</summary>
    public static ImageData Flip(ImageData image, FlipDirection direction)
    {
        ArgumentNullException.ThrowIfNull(image);
        var horizontal = direction is FlipDirection.Horizontal or FlipDirection.Diagonal;
        var vertical = direction is FlipDirection.Vertical or FlipDirection.Diagonal;
        var pixels = new byte[image.Pixels.Length];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            for (var y = 0; y < image.Height; y++)
            {
                var sourceRow = vertical ? image.Height - 1 - y : y;
                var source = ((channel * image.Height) + sourceRow) * image.Width;
                var target = ((channel * image.Height) + y) * image.Width;
                if (horizontal)
                {
                    for (var x = 0; x < image.Width; x++)
                    {
                        pixels[target + x] = image.Pixels[source + image.Width - 1 - x];
                    }
                }
                else
                {
                    Array.Copy(image.Pixels, source, pixels, target, image.Width);
                }
            }
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }

    /// <summary>The image resampled to <paramref name="height"/> x <paramref name="width"/>, with OpenCV's pixel-centre alignment.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static ImageData Resize(ImageData image, int height, int width, Interpolation interpolation = Interpolation.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (height == image.Height && width == image.Width)
        {
            return image;
        }

        return interpolation switch
        {
            Interpolation.Nearest => ResizeNearest(image, height, width),
            Interpolation.Bicubic => ResizeBicubic(image, height, width),
            _ => ResizeBilinear(image, height, width),
        };
    }

    /// <summary>
    /// The image resampled through an affine map at its own size: output pixel (x, y) reads the
    /// source at (<c>inverse[0]</c> x + <c>inverse[1]</c> y + <c>inverse[2]</c>, <c>inverse[3]</c> x +
    /// <c>inverse[4]</c> y + <c>inverse[5]</c>), pixel centres at integer coordinates. As OpenCV's
    /// <c>warpAffine</c> with a constant border (and PIL's affine transform, for nearest): nearest
    /// takes the pixel whose centre is closest (halves round up), bilinear and bicubic weigh 2x2 and
    /// 4x4 pixels, and a pixel outside the image reads <paramref name="fill"/>.
    /// </summary>
    /// <param name="image">The image.</param>
    /// <param name="inverse">The map from output to source coordinates, six numbers (a 2x3 matrix by rows).</param>
    /// <param name="interpolation">How the source is sampled.</param>
    /// <param name="fill">The value of pixels outside the source, one per channel.</param>
    /// <exception cref="ArgumentException">The matrix does not have six numbers, or the fill not one value per channel.</exception>
    public static ImageData WarpAffine(ImageData image, IReadOnlyList<double> inverse, Interpolation interpolation, IReadOnlyList<byte> fill)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(inverse);
        ArgumentNullException.ThrowIfNull(fill);
        if (inverse.Count != 6)
        {
            throw new ArgumentException($"An affine map has 6 numbers, but got {inverse.Count}.", nameof(inverse));
        }

        if (fill.Count != image.Channels)
        {
            throw new ArgumentException($"The fill needs one value per channel ({image.Channels}), but has {fill.Count}.", nameof(fill));
        }

        var (m0, m1, m2, m3, m4, m5) = (inverse[0], inverse[1], inverse[2], inverse[3], inverse[4], inverse[5]);
        var border = fill.ToArray();
        var taps = interpolation switch
        {
            Interpolation.Nearest => 1,
            Interpolation.Bilinear => 2,
            _ => 4,
        };
        Span<double> columnWeights = stackalloc double[taps];
        Span<double> rowWeights = stackalloc double[taps];
        var (height, width) = (image.Height, image.Width);
        var pixels = new byte[image.Pixels.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var u = (m0 * x) + (m1 * y) + m2;
                var v = (m3 * x) + (m4 * y) + m5;
                int left;
                int top;
                if (taps == 1)
                {
                    left = (int)Math.Floor(u + 0.5);
                    top = (int)Math.Floor(v + 0.5);
                    columnWeights[0] = rowWeights[0] = 1;
                }
                else
                {
                    var floorU = Math.Floor(u);
                    var floorV = Math.Floor(v);
                    left = (int)floorU - ((taps / 2) - 1);
                    top = (int)floorV - ((taps / 2) - 1);
                    Weights(u - floorU, columnWeights);
                    Weights(v - floorV, rowWeights);
                }

                for (var channel = 0; channel < image.Channels; channel++)
                {
                    var plane = channel * height;
                    double value = 0;
                    for (var i = 0; i < taps; i++)
                    {
                        var row = top + i;
                        for (var j = 0; j < taps; j++)
                        {
                            var column = left + j;
                            var sample = row >= 0 && row < height && column >= 0 && column < width
                                ? image.Pixels[((plane + row) * width) + column]
                                : border[channel];
                            value += rowWeights[i] * columnWeights[j] * sample;
                        }
                    }

                    pixels[((plane + y) * width) + x] = RoundToByte(value);
                }
            }
        }

        return new ImageData(pixels, image.Channels, height, width);
    }

    /// <summary>
    /// The weights of Keys' cubic convolution with a = -0.75 (OpenCV's INTER_CUBIC, PyTorch's
    /// bicubic) for the four pixels around a point <paramref name="t"/> (0 to 1) past the second.
    /// </summary>
    internal static void CubicWeights(double t, Span<double> weights)
    {
        const double A = -0.75;
        var s = t + 1;
        var r = 1 - t;
        weights[0] = ((((A * s) - (5 * A)) * s) + (8 * A)) * s - (4 * A);
        weights[1] = ((((A + 2) * t) - (A + 3)) * t * t) + 1;
        weights[2] = ((((A + 2) * r) - (A + 3)) * r * r) + 1;
        weights[3] = 1 - weights[0] - weights[1] - weights[2];
    }

    /// <summary>A sum of weighted pixels to a byte: rounded half up, clamped to 0-255.</summary>
    private static byte RoundToByte(double value) => (byte)Math.Clamp(Math.Floor(value + 0.5), 0, 255);

    // Bilinear (two taps) or bicubic (four) weights of a point t past the first tap.
    private static void Weights(double t, Span<double> weights)
    {
        if (weights.Length == 2)
        {
            weights[0] = 1 - t;
            weights[1] = t;
        }
        else
        {
            CubicWeights(t, weights);
        }
    }

    private static ImageData ResizeNearest(ImageData image, int height, int width)
    {
        var rows = new int[height];
        var columns = new int[width];
        var rowScale = (double)image.Height / height;
        var columnScale = (double)image.Width / width;
        for (var y = 0; y < height; y++)
        {
            rows[y] = Math.Min((int)Math.Floor(y * rowScale), image.Height - 1);
        }

        for (var x = 0; x < width; x++)
        {
            columns[x] = Math.Min((int)Math.Floor(x * columnScale), image.Width - 1);
        }

        var pixels = new byte[image.Channels * height * width];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            for (var y = 0; y < height; y++)
            {
                var source = ((channel * image.Height) + rows[y]) * image.Width;
                var target = ((channel * height) + y) * width;
                for (var x = 0; x < width; x++)
                {
                    pixels[target + x] = image.Pixels[source + columns[x]];
                }
            }
        }

        return new ImageData(pixels, image.Channels, height, width);
    }

    private static ImageData ResizeBilinear(ImageData image, int height, int width)
    {
        var (rowLow, rowHigh, rowWeight) = Taps(image.Height, height);
        var (columnLow, columnHigh, columnWeight) = Taps(image.Width, width);
        var pixels = new byte[image.Channels * height * width];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var plane = channel * image.Height;
            for (var y = 0; y < height; y++)
            {
                var low = (plane + rowLow[y]) * image.Width;
                var high = (plane + rowHigh[y]) * image.Width;
                var wy = rowWeight[y];
                var target = ((channel * height) + y) * width;
                for (var x = 0; x < width; x++)
                {
                    var wx = columnWeight[x];
                    var top = (image.Pixels[low + columnLow[x]] * (1 - wx)) + (image.Pixels[low + columnHigh[x]] * wx);
                    var bottom = (image.Pixels[high + columnLow[x]] * (1 - wx)) + (image.Pixels[high + columnHigh[x]] * wx);
                    var value = (top * (1 - wy)) + (bottom * wy);
                    pixels[target + x] = (byte)Math.Clamp((int)(value + 0.5), 0, 255);
                }
            }
        }

        return new ImageData(pixels, image.Channels, height, width);
    }

    // Bicubic as OpenCV's INTER_CUBIC: four taps around each output position's source position
    // (not clamped to the image, unlike bilinear's), the taps past an edge reading the edge pixel.
    private static ImageData ResizeBicubic(ImageData image, int height, int width)
    {
        var (rowFirst, rowWeights) = CubicTaps(image.Height, height);
        var (columnFirst, columnWeights) = CubicTaps(image.Width, width);
        var pixels = new byte[image.Channels * height * width];
        var rowValues = new double[image.Width];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var plane = channel * image.Height;
            for (var y = 0; y < height; y++)
            {
                Array.Clear(rowValues);
                for (var i = 0; i < 4; i++)
                {
                    var source = (plane + Math.Clamp(rowFirst[y] + i, 0, image.Height - 1)) * image.Width;
                    var weight = rowWeights[(y * 4) + i];
                    for (var x = 0; x < image.Width; x++)
                    {
                        rowValues[x] += weight * image.Pixels[source + x];
                    }
                }

                var target = ((channel * height) + y) * width;
                for (var x = 0; x < width; x++)
                {
                    double value = 0;
                    for (var j = 0; j < 4; j++)
                    {
                        value += columnWeights[(x * 4) + j] * rowValues[Math.Clamp(columnFirst[x] + j, 0, image.Width - 1)];
                    }

                    pixels[target + x] = RoundToByte(value);
                }
            }
        }

        return new ImageData(pixels, image.Channels, height, width);
    }

    // For each output position: the first of its four source taps and their weights (four per position).
    private static (int[] First, double[] Weights) CubicTaps(int sourceSize, int targetSize)
    {
        var first = new int[targetSize];
        var weights = new double[targetSize * 4];
        var scale = (double)sourceSize / targetSize;
        for (var i = 0; i < targetSize; i++)
        {
            var position = ((i + 0.5) * scale) - 0.5;
            var floor = Math.Floor(position);
            first[i] = (int)floor - 1;
            CubicWeights(position - floor, weights.AsSpan(i * 4, 4));
        }

        return (first, weights);
    }

    // For each output position: the two source positions it lies between and the weight of the second.
    private static (int[] Low, int[] High, double[] Weight) Taps(int sourceSize, int targetSize)
    {
        var low = new int[targetSize];
        var high = new int[targetSize];
        var weight = new double[targetSize];
        var scale = (double)sourceSize / targetSize;
        for (var i = 0; i < targetSize; i++)
        {
            var position = ((i + 0.5) * scale) - 0.5;
            if (position < 0)
            {
                position = 0;
            }

            var floor = (int)Math.Floor(position);
            if (floor >= sourceSize - 1)
            {
                low[i] = high[i] = sourceSize - 1;
                weight[i] = 0;
                continue;
            }

            low[i] = floor;
            high[i] = floor + 1;
            weight[i] = position - floor;
        }

        return (low, high, weight);
    }

    // Where a padded row or column reads from; -1 for the constant fill.
    private static int SourceIndex(int index, int size, PaddingMode mode)
    {
        if (index >= 0 && index < size)
        {
            return index;
        }

        switch (mode)
        {
            case PaddingMode.Constant:
                return -1;
            case PaddingMode.Edge:
                return Math.Clamp(index, 0, size - 1);
            case PaddingMode.Reflect:
                if (size == 1)
                {
                    return 0;
                }

                var period = 2 * (size - 1);
                var folded = ((index % period) + period) % period;
                return folded < size ? folded : period - folded;
            case PaddingMode.Symmetric:
                var cycle = 2 * size;
                var wrapped = ((index % cycle) + cycle) % cycle;
                return wrapped < size ? wrapped : cycle - 1 - wrapped;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown padding mode.");
        }
    }
}
