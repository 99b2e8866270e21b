namespace ImageClassifier.Data.Images;

/// <summary>
/// The photometric operations augmentations are made of, on (C, H, W) byte images, each with the
/// arithmetic of the library mmpretrain calls for it (mmcv's numpy and cv2 code, or Pillow), so
/// that the bytes come out as they do there. A three-channel image is taken as BGR, as mmcv takes
/// it whatever the dataset's order; a one-channel image is grey, and colour changes leave it as it is.
/// </summary>
public static class ColorOps
{
    /// <summary>255 minus each value (mmcv's <c>iminvert</c>).</summary>
    public static ImageData Invert(ImageData image) => MapValues(image, value => (byte)(255 - value));

    /// <summary>Values at or above <paramref name="threshold"/> inverted, the others kept (mmcv's <c>solarize</c>).</summary>
    public static ImageData Solarize(ImageData image, double threshold) =>
        MapValues(image, value => value < threshold ? (byte)value : (byte)(255 - value));

    /// <summary>
    /// <paramref name="addition"/> added to the values below <paramref name="threshold"/>, capped at
    /// 255 and truncated to an integer (mmpretrain's <c>SolarizeAdd</c>); a negative sum is 0.
    /// </summary>
    public static ImageData SolarizeAdd(ImageData image, double addition, double threshold) =>
        MapValues(image, value => value < threshold ? (byte)Math.Clamp(value + addition, 0, 255) : (byte)value);

    /// <summary>Each value with only its <paramref name="bits"/> highest bits kept (mmcv's <c>posterize</c>); 0 bits gives black.</summary>
    public static ImageData Posterize(ImageData image, int bits)
    {
        var shift = Math.Clamp(8 - bits, 0, 8);
        return MapValues(image, value => (byte)((value >> shift) << shift));
    }

    /// <summary>
    /// Each channel's histogram spread evenly over 0-255 (mmcv's <c>imequalize</c>, as Pillow's and
    /// torchvision's): a channel whose values but the last distinct one are too few to fill a step is kept.
    /// </summary>
    public static ImageData Equalize(ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return MapChannels(image, plane =>
        {
            var histogram = Histogram(plane);
            long total = 0;
            long last = 0;
            foreach (var count in histogram)
            {
                if (count > 0)
                {
                    total += count;
                    last = count;
                }
            }

            var step = (total - last) / 255;
            var lut = new byte[256];
            if (step == 0)
            {
                for (var value = 0; value < 256; value++)
                {
                    lut[value] = (byte)value;
                }

                return lut;
            }

            // lut[v] counts the values below v, shifted by half a step and measured in steps.
            var below = step / 2;
            for (var value = 0; value < 256; value++)
            {
                lut[value] = (byte)Math.Min(below / step, 255);
                below += histogram[value];
            }

            return lut;
        });
    }

    /// <summary>
    /// Each channel stretched so that its lowest value becomes 0 and its highest 255, truncated
    /// (mmcv's <c>auto_contrast</c> without cutoff, as Pillow's <c>ImageOps.autocontrast</c>).
    /// </summary>
    public static ImageData AutoContrast(ImageData image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return MapChannels(image, plane =>
        {
            var histogram = Histogram(plane);
            var low = Array.FindIndex(histogram, count => count > 0);
            var high = Array.FindLastIndex(histogram, count => count > 0);
            var lut = new byte[256];
            var scale = 255.0 / (high - low);
            var offset = -low * scale;
            for (var value = 0; value < 256; value++)
            {
                lut[value] = low >= high ? (byte)value : (byte)Math.Clamp((value * scale) + offset, 0, 255);
            }

            return lut;
        });
    }

    /// <summary>
    /// One grey channel, the channels weighted by <paramref name="channelWeights"/> divided by their
    /// sum and the result truncated (mmcv's <c>RandomGrayscale</c>); a one-channel image is returned as it is.
    /// </summary>
    /// <exception cref="ArgumentException">The image has several channels and not one weight each.</exception>
    public static ImageData Grayscale(ImageData image, IReadOnlyList<double> channelWeights)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(channelWeights);
        if (image.Channels == 1)
        {
            return image;
        }

        if (channelWeights.Count != image.Channels)
        {
            throw new ArgumentException($"A {image.Channels}-channel image needs {image.Channels} channel weights, but got {channelWeights.Count}.", nameof(channelWeights));
        }

        // Summed in order, as Python's sum is, so that the divided weights are mmcv's to the last bit.
        double sum = 0;
        foreach (var weight in channelWeights)
        {
            sum += weight;
        }

        var weights = channelWeights.Select(weight => weight / sum).ToArray();
        var area = image.Height * image.Width;
        var pixels = new byte[area];
        for (var index = 0; index < area; index++)
        {
            double value = 0;
            for (var channel = 0; channel < image.Channels; channel++)
            {
                value += weights[channel] * image.Pixels[(channel * area) + index];
            }

            pixels[index] = (byte)value;
        }

        return new ImageData(pixels, 1, image.Height, image.Width);
    }

    /// <summary>The image blended with black: <paramref name="factor"/> 0 is black, 1 the image, more brightens.</summary>
    public static ImageData AdjustBrightness(ImageData image, double factor, ImageBackend backend)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Blend(image, new byte[image.Pixels.Length], factor, backend);
    }

    /// <summary>
    /// The image blended with its mean grey level: <paramref name="factor"/> 0 is flat grey, 1 the
    /// image. The mean is of OpenCV's grey image rounded half to even (mmcv's cv2 code), or of
    /// Pillow's luma rounded half up (<c>ImageEnhance.Contrast</c>).
    /// </summary>
    public static ImageData AdjustContrast(ImageData image, double factor, ImageBackend backend)
    {
        ArgumentNullException.ThrowIfNull(image);
        var gray = Luma(image, backend);
        long sum = 0;
        foreach (var value in gray)
        {
            sum += value;
        }

        var mean = (double)sum / gray.Length;
        var level = backend == ImageBackend.OpenCv ? (byte)Math.Round(mean, MidpointRounding.ToEven) : (byte)(int)(mean + 0.5);
        var degenerate = new byte[image.Pixels.Length];
        Array.Fill(degenerate, level);
        return Blend(image, degenerate, factor, backend);
    }

    /// <summary>
    /// The image blended with its grey version: <paramref name="factor"/> 0 is grey, 1 the image,
    /// more saturates (mmcv's <c>adjust_color</c>, Pillow's <c>ImageEnhance.Color</c>). With OpenCV
    /// the uint8 blend rounds half to even instead of truncating, as <c>cv2.addWeighted</c> on bytes does.
    /// </summary>
    public static ImageData AdjustColor(ImageData image, double factor, ImageBackend backend)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels != 3)
        {
            return image;
        }

        var gray = Luma(image, backend);
        var degenerate = new byte[image.Pixels.Length];
        for (var channel = 0; channel < 3; channel++)
        {
            gray.CopyTo(degenerate, channel * gray.Length);
        }

        if (backend == ImageBackend.Pillow)
        {
            return Blend(image, degenerate, factor, backend);
        }

        var alpha = (float)factor;
        var beta = (float)(1 - factor);
        var pixels = new byte[image.Pixels.Length];
        for (var index = 0; index < pixels.Length; index++)
        {
            var mixed = (image.Pixels[index] * alpha) + (degenerate[index] * beta);
            pixels[index] = (byte)Math.Clamp(MathF.Round(mixed, MidpointRounding.ToEven), 0, 255);
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }

    /// <summary>
    /// The image blended with a smoothed version (kernel [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13):
    /// <paramref name="factor"/> 0 is smooth, 1 the image, 2 sharper. OpenCV smooths the border
    /// too, mirroring the image (<c>filter2D</c>'s default); Pillow keeps the outermost pixels.
    /// </summary>
    public static ImageData AdjustSharpness(ImageData image, double factor, ImageBackend backend)
    {
        ArgumentNullException.ThrowIfNull(image);
        var smooth = backend == ImageBackend.OpenCv ? SmoothOpenCv(image) : SmoothPillow(image);
        return Blend(image, smooth, factor, backend);
    }

    /// <summary>
    /// The hue of every pixel turned by <paramref name="hueFactor"/> of a full turn (-0.5 to 0.5)
    /// through Pillow's 8-bit HSV (mmcv's <c>adjust_hue</c> with the pillow backend, torchvision's
    /// <c>adjust_hue</c> on PIL images); a grey image is returned as it is.
    /// </summary>
    public static ImageData AdjustHue(ImageData image, double hueFactor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels != 3)
        {
            return image;
        }

        // numpy's uint8 of a negative float: truncated toward zero, then wrapped.
        var shift = unchecked((byte)(int)(hueFactor * 255));
        var area = image.Height * image.Width;
        var pixels = new byte[image.Pixels.Length];
        Span<byte> hsv = stackalloc byte[3];
        Span<byte> rgb = stackalloc byte[3];
        for (var index = 0; index < area; index++)
        {
            // BGR in the buffer, RGB for Pillow.
            rgb[0] = image.Pixels[(2 * area) + index];
            rgb[1] = image.Pixels[area + index];
            rgb[2] = image.Pixels[index];
            PillowHsv.FromRgb(rgb, hsv);
            hsv[0] = unchecked((byte)(hsv[0] + shift));
            PillowHsv.ToRgb(hsv, rgb);
            pixels[(2 * area) + index] = rgb[0];
            pixels[area + index] = rgb[1];
            pixels[index] = rgb[2];
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }

    /// <summary>
    /// Pillow's <c>ImageFilter.GaussianBlur(radius)</c>, which mmpretrain's GaussianBlur calls: three
    /// passes of an extended box blur along rows, then three along columns, with the box radius
    /// from Gwosdek et al. (2011) for a Gaussian of standard deviation <paramref name="radius"/>, in
    /// Pillow's float32 and 24-bit fixed-point arithmetic; edges repeat the outermost pixels.
    /// </summary>
    public static ImageData GaussianBlur(ImageData image, double radius)
    {
        ArgumentNullException.ThrowIfNull(image);
        var boxRadius = PillowBoxRadius((float)radius);
        var pixels = (byte[])image.Pixels.Clone();
        var (height, width) = (image.Height, image.Width);
        var line = new byte[Math.Max(height, width)];
        var blurred = new byte[line.Length];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var plane = channel * height * width;
            for (var y = 0; y < height; y++)
            {
                BoxBlurLine(pixels, plane + (y * width), 1, width, boxRadius, line, blurred);
            }

            for (var x = 0; x < width; x++)
            {
                BoxBlurLine(pixels, plane + x, width, height, boxRadius, line, blurred);
            }
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }

    // mmcv's cv2 blends: cv2.addWeighted(image, factor, degenerate, 1 - factor, 0) on float32
    // (written without fused multiply-add, which OpenCV uses only on some CPUs), then np.clip and
    // a truncating astype. Pillow's Image.blend(degenerate, image, factor): float32, truncated,
    // clipped when the factor is outside 0-1.
    private static ImageData Blend(ImageData image, byte[] degenerate, double factor, ImageBackend backend)
    {
        var alpha = (float)factor;
        var beta = (float)(1 - factor);
        var pixels = new byte[image.Pixels.Length];
        for (var index = 0; index < pixels.Length; index++)
        {
            int value = image.Pixels[index];
            int low = degenerate[index];
            var mixed = backend == ImageBackend.OpenCv
                ? (value * alpha) + (low * beta)
                : low + (alpha * (value - low));
            pixels[index] = mixed <= 0 ? (byte)0 : mixed >= 255 ? (byte)255 : (byte)mixed;
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }

    /// <summary>
    /// One grey value per pixel: OpenCV's <c>COLOR_BGR2GRAY</c> (14-bit fixed point) or Pillow's
    /// <c>convert("L")</c> of the RGB image (16-bit fixed point); a grey image's own values.
    /// </summary>
    private static byte[] Luma(ImageData image, ImageBackend backend)
    {
        var area = image.Height * image.Width;
        if (image.Channels == 1)
        {
            return image.Pixels[..area];
        }

        if (image.Channels != 3)
        {
            throw new InvalidOperationException($"A colour operation needs a one- or three-channel image, but got {image.ShapeText}.");
        }

        var gray = new byte[area];
        for (var index = 0; index < area; index++)
        {
            int blue = image.Pixels[index];
            int green = image.Pixels[area + index];
            int red = image.Pixels[(2 * area) + index];
            gray[index] = backend == ImageBackend.OpenCv
                ? (byte)(((blue * 1868) + (green * 9617) + (red * 4899) + (1 << 13)) >> 14)
                : (byte)(((red * 19595) + (green * 38470) + (blue * 7471) + 0x8000) >> 16);
        }

        return gray;
    }

    // cv2.filter2D with the smoothing kernel and BORDER_REFLECT_101; the exact sum / 13 is never a
    // half, so rounding it is exact in integers.
    private static byte[] SmoothOpenCv(ImageData image)
    {
        var (height, width) = (image.Height, image.Width);
        var smooth = new byte[image.Pixels.Length];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var plane = channel * height * width;
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var sum = 4 * image.Pixels[plane + (y * width) + x];
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        var row = plane + (Reflect101(y + dy, height) * width);
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            sum += image.Pixels[row + Reflect101(x + dx, width)];
                        }
                    }

                    smooth[plane + (y * width) + x] = (byte)((sum + 6) / 13);
                }
            }
        }

        return smooth;
    }

    // Pillow's ImageFilter.SMOOTH: float32 kernel weights, each row's three products summed, 0.5
    // added for rounding, truncated; the outermost rows and columns are copied.
    private static byte[] SmoothPillow(ImageData image)
    {
        var (height, width) = (image.Height, image.Width);
        var smooth = (byte[])image.Pixels.Clone();
        if (height < 3 || width < 3)
        {
            return smooth;
        }

        const float Side = 1f / 13f;
        const float Centre = 5f / 13f;
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var plane = channel * height * width;
            for (var y = 1; y < height - 1; y++)
            {
                for (var x = 1; x < width - 1; x++)
                {
                    var sum = 0.5f;
                    sum += Row(plane + ((y + 1) * width) + x, Side);
                    sum += Row(plane + (y * width) + x, Centre);
                    sum += Row(plane + ((y - 1) * width) + x, Side);
                    smooth[plane + (y * width) + x] = sum <= 0 ? (byte)0 : sum >= 255 ? (byte)255 : (byte)sum;
                }
            }
        }

        return smooth;

        float Row(int centre, float middle) =>
            (image.Pixels[centre - 1] * Side) + (image.Pixels[centre] * middle) + (image.Pixels[centre + 1] * Side);
    }

    private static int Reflect101(int index, int size)
    {
        if (size == 1)
        {
            return 0;
        }

        return index < 0 ? -index : index >= size ? (2 * size) - 2 - index : index;
    }

    // Pillow's box radius for a Gaussian of this standard deviation over three passes, in its float32 steps.
    private static float PillowBoxRadius(float radius)
    {
        var sigma2 = radius * radius / 3;
        var length = (float)Math.Sqrt((12.0 * sigma2) + 1.0);
        var whole = (float)Math.Floor((length - 1.0) / 2.0);
        var fraction = ((2 * whole) + 1) * ((whole * (whole + 1)) - (3 * sigma2));
        fraction /= 6 * (sigma2 - ((whole + 1) * (whole + 1)));
        return whole + fraction;
    }

    // Three passes of Pillow's extended box blur (ImagingLineBoxBlur8) over one line of the image,
    // read and written in place at start, start + stride, ...
    private static void BoxBlurLine(byte[] pixels, int start, int stride, int length, float floatRadius, byte[] line, byte[] blurred)
    {
        var radius = (int)floatRadius;
        var whole = (uint)((float)(1 << 24) / ((floatRadius * 2) + 1));
        var edge = unchecked(((uint)(1 << 24) - ((uint)((radius * 2) + 1) * whole)) / 2);
        var last = length - 1;
        var edgeA = Math.Min(radius + 1, length);
        var edgeB = Math.Max(length - radius - 1, 0);
        for (var x = 0; x < length; x++)
        {
            line[x] = pixels[start + (x * stride)];
        }

        for (var pass = 0; pass < 3; pass++)
        {
            unchecked
            {
                var sum = (uint)(line[0] * (radius + 1));
                for (var x = 0; x < edgeA - 1; x++)
                {
                    sum += line[x];
                }

                sum += (uint)(line[last] * (radius - edgeA + 1));
                for (var x = 0; x <= last; x++)
                {
                    // The window's newest pixel, or the last one past the end; its oldest, or the first before the start.
                    var add = Math.Min(x + radius, last);
                    var remove = Math.Max(x - radius - 1, 0);
                    sum += (uint)(line[add] - line[remove]);
                    var far = (uint)(line[remove] + line[Math.Min(x + radius + 1, last)]);
                    blurred[x] = (byte)(((sum * whole) + (far * edge) + (1u << 23)) >> 24);
                }
            }

            Array.Copy(blurred, line, length);
        }

        for (var x = 0; x < length; x++)
        {
            pixels[start + (x * stride)] = line[x];
        }
    }

    private static int[] Histogram(ReadOnlySpan<byte> plane)
    {
        var histogram = new int[256];
        foreach (var value in plane)
        {
            histogram[value]++;
        }

        return histogram;
    }

    private static ImageData MapValues(ImageData image, Func<int, byte> map)
    {
        ArgumentNullException.ThrowIfNull(image);
        var lut = new byte[256];
        for (var value = 0; value < 256; value++)
        {
            lut[value] = map(value);
        }

        return MapChannels(image, _ => lut);
    }

    private static ImageData MapChannels(ImageData image, Func<ReadOnlySpan<byte>, byte[]> lutOf)
    {
        var area = image.Height * image.Width;
        var pixels = new byte[image.Pixels.Length];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var plane = image.Pixels.AsSpan(channel * area, area);
            var lut = lutOf(plane);
            for (var index = 0; index < area; index++)
            {
                pixels[(channel * area) + index] = lut[plane[index]];
            }
        }

        return new ImageData(pixels, image.Channels, image.Height, image.Width);
    }
}
