using SkiaSharp;

namespace ImageClassifier.Data.Images;

/// <summary>Reads and writes image files (PNG, JPEG, BMP, WebP, GIF) through SkiaSharp.</summary>
public static class ImageCodec
{
    // PNG_USER_WIDTH_MAX and PNG_USER_HEIGHT_MAX, libpng's default limits on each side.
    private const uint PngSideLimit = 1_000_000;

    /// <summary>The file name extensions the codec reads, lower case with the dot.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    /// <summary>
    /// Whether the file's header is that of a readable image whose declared size is within the
    /// limits of <paramref name="options"/>; <paramref name="problem"/> says why not.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">Why the file cannot be decoded, or null.</param>
    /// <param name="colorType">The layout it would be decoded to (grayscale needs less memory).</param>
    /// <param name="options">The limits; <see cref="ImageDecodeOptions.FromEnvironment"/> when null.</param>
    public static bool TryReadHeader(string path, out string? problem, ColorType colorType = ColorType.Color, ImageDecodeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ImageDecodeOptions.FromEnvironment();
        try
        {
            using var codec = SKCodec.Create(path, out var result);
            if (codec is null)
            {
                problem = Unreadable(path, result, options);
                return false;
            }

            problem = CheckDeclaredSize(codec, colorType, options);
            return problem is null;
        }
        catch (IOException error)
        {
            problem = error.Message;
            return false;
        }
    }

    /// <summary>Decodes the file at <paramref name="path"/> into a (C, H, W) image.</summary>
    /// <param name="path">The file.</param>
    /// <param name="colorType">Three channels in BGR order (mmcv's), or grayscale.</param>
    /// <param name="options">The limits on the declared size; <see cref="ImageDecodeOptions.FromEnvironment"/> when null.</param>
    /// <exception cref="DataFormatException">
    /// The file is not a readable image, is truncated or corrupt, or declares a size beyond the
    /// limits (checked from the header, before any pixel memory is allocated).
    /// </exception>
    public static ImageData Decode(string path, ColorType colorType = ColorType.Color, ImageDecodeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ImageDecodeOptions.FromEnvironment();
        using var codec = SKCodec.Create(path, out var result)
            ?? throw new DataFormatException(path, null, $"cannot read it as an image: {Unreadable(path, result, options)}");
        if (CheckDeclaredSize(codec, colorType, options) is { } problem)
        {
            throw new DataFormatException(path, null, problem);
        }

        return DecodePixels(codec, path, colorType);
    }

    /// <summary>Decodes an encoded image held in memory (a PNG, JPEG, ... file's bytes).</summary>
    /// <param name="data">The encoded image.</param>
    /// <param name="source">What to call the image in errors, such as the name it was uploaded under.</param>
    /// <param name="colorType">Decode to 3 channels (BGR) or 1.</param>
    /// <param name="options">Size limits; <see cref="ImageDecodeOptions.FromEnvironment"/> when null.</param>
    /// <exception cref="DataFormatException">The bytes are not a readable image, or exceed the limits.</exception>
    public static ImageData Decode(ReadOnlySpan<byte> data, string source, ColorType colorType = ColorType.Color, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.FromEnvironment();
        if (data.Length > options.MaxBytes)
        {
            throw new DataFormatException(source, null, $"it is {Count(data.Length)} bytes; images of at most {Count(options.MaxBytes)} bytes are read ({ImageDecodeOptions.MaxBytesVariable})");
        }

        if (data.IsEmpty)
        {
            throw new DataFormatException(source, null, "it is empty; expected a PNG, JPEG, BMP, WebP or GIF image");
        }

        using var encoded = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(encoded)
            ?? throw new DataFormatException(source, null, "cannot read it as an image: its format is not one the decoder knows, or it is truncated; expected a PNG, JPEG, BMP, WebP or GIF image");
        if (CheckDeclaredSize(codec, colorType, options) is { } problem)
        {
            throw new DataFormatException(source, null, problem);
        }

        return DecodePixels(codec, source, colorType);
    }

    /// <summary>Decodes an encoded image read from <paramref name="stream"/> to its end.</summary>
    /// <exception cref="DataFormatException">The stream's bytes are not a readable image, or exceed the limits.</exception>
    public static ImageData Decode(Stream stream, string source, ColorType colorType = ColorType.Color, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ImageDecodeOptions.FromEnvironment();
        using var buffer = new MemoryStream();

        // One byte past the limit is enough to refuse the stream without reading all of it.
        var copied = CopyAtMost(stream, buffer, options.MaxBytes + 1);
        if (copied > options.MaxBytes)
        {
            throw new DataFormatException(source, null, $"it is more than {Count(options.MaxBytes)} bytes; images of at most that size are read ({ImageDecodeOptions.MaxBytesVariable})");
        }

        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), source, colorType, options);
    }

    private static long CopyAtMost(Stream from, Stream to, long limit)
    {
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while (total < limit && (read = from.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - total))) > 0)
        {
            to.Write(chunk, 0, read);
            total += read;
        }

        return total;
    }

    private static ImageData DecodePixels(SKCodec codec, string source, ColorType colorType)
    {
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);

        // Our own buffer, sized in checked arithmetic above: SkiaSharp's byte[] overload computes
        // the size in 32 bits, which wraps for large images (a short buffer that native code
        // then writes past, or a negative length).
        var rgba = GC.AllocateUninitializedArray<byte>(info.Width * info.Height * 4, pinned: true);
        var decoded = codec.GetPixels(info, System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(rgba, 0));
        if (decoded != SKCodecResult.Success)
        {
            throw new DataFormatException(source, null, $"its {codec.EncodedFormat.ToString().ToUpperInvariant()} data cannot be decoded: {Describe(decoded)}");
        }

        return ImageOrientation.Apply(FromRgba(rgba, info.Height, info.Width, colorType), codec.EncodedOrigin);
    }

    /// <summary>Writes <paramref name="image"/> (1 channel, or 3 in BGR order as decoded) as a PNG file.</summary>
    public static void WritePng(ImageData image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (image.Channels is not (1 or 3))
        {
            throw new ArgumentException($"Only 1- or 3-channel images can be written, not {image.ShapeText}.", nameof(image));
        }

        var plane = image.Height * image.Width;
        var rgba = new byte[plane * 4];
        for (var i = 0; i < plane; i++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                // The file's R, G, B are the image's planes 2, 1, 0.
                rgba[(i * 4) + channel] = image.Pixels[(image.Channels == 1 ? 0 : (2 - channel) * plane) + i];
            }

            rgba[(i * 4) + 3] = 255;
        }

        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException($"SkiaSharp could not encode a {image.ShapeText} image as PNG.");
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static ImageData FromRgba(byte[] rgba, int height, int width, ColorType colorType)
    {
        var plane = height * width;
        if (colorType == ColorType.Grayscale)
        {
            var gray = new byte[plane];
            for (var i = 0; i < plane; i++)
            {
                var value = (0.299 * rgba[i * 4]) + (0.587 * rgba[(i * 4) + 1]) + (0.114 * rgba[(i * 4) + 2]);
                gray[i] = (byte)Math.Clamp((int)(value + 0.5), 0, 255);
            }

            return new ImageData(gray, 1, height, width);
        }

        // BGR, as mmcv's LoadImageFromFile decodes (OpenCV's order): mmpretrain's configs and
        // checkpoints expect it, and data_preprocessor.to_rgb turns it into RGB.
        var pixels = new byte[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            pixels[i] = rgba[(i * 4) + 2];
            pixels[plane + i] = rgba[(i * 4) + 1];
            pixels[(2 * plane) + i] = rgba[i * 4];
        }

        return new ImageData(pixels, 3, height, width);
    }

    /// <summary>Null when the declared size is within the limits; otherwise why it is refused.</summary>
    private static string? CheckDeclaredSize(SKCodec codec, ColorType colorType, ImageDecodeOptions options)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var format = codec.EncodedFormat.ToString().ToUpperInvariant();
        if (width <= 0 || height <= 0)
        {
            return $"its {format} header declares a {width}x{height} image; expected at least 1x1";
        }

        // Both sides are positive ints, so these products fit in a long without overflow.
        var pixels = (long)width * height;
        var channels = colorType == ColorType.Grayscale ? 1 : 3;
        var bytes = pixels * (4 + channels);
        if (pixels > options.MaxPixels)
        {
            return $"its {format} header declares a {width}x{height} image ({Count(pixels)} pixels), more than the limit of {Count(options.MaxPixels)} pixels " +
                $"(set {ImageDecodeOptions.MaxPixelsVariable} or {nameof(ImageDecodeOptions)}.{nameof(ImageDecodeOptions.MaxPixels)} to allow more)";
        }

        if (bytes > options.MaxBytes)
        {
            return $"its {format} header declares a {width}x{height} image, which needs {Count(bytes)} bytes to decode, more than the limit of {Count(options.MaxBytes)} bytes " +
                $"(set {ImageDecodeOptions.MaxBytesVariable} or {nameof(ImageDecodeOptions)}.{nameof(ImageDecodeOptions.MaxBytes)} to allow more)";
        }

        if (pixels * 4 > Array.MaxLength)
        {
            return $"its {format} header declares a {width}x{height} image ({Count(pixels)} pixels), more than one buffer can hold ({Count(Array.MaxLength / 4)} pixels)";
        }

        return null;
    }

    private static string Count(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Unreadable(string path, SKCodecResult result, ImageDecodeOptions options)
    {
        if (!File.Exists(path))
        {
            return "there is no such file";
        }

        if (new FileInfo(path).Length == 0)
        {
            return "the file is empty; expected a PNG, JPEG, BMP, WebP or GIF image";
        }

        // libpng refuses sides over a million pixels before Skia sees them, and Skia then reports
        // the refusal as a truncated file; the declared size says what is really wrong.
        if (DeclaredPngSize(path) is var (width, height) && (width is 0 or > PngSideLimit || height is 0 or > PngSideLimit))
        {
            return $"its PNG header declares a {width}x{height} image; expected sides from 1 to {Count(PngSideLimit)} pixels (libpng's limit) " +
                $"and at most {Count(options.MaxPixels)} pixels in all";
        }

        return $"{(result == SKCodecResult.Success ? "its format is not one the decoder knows" : Describe(result))}; expected a PNG, JPEG, BMP, WebP or GIF image";
    }

    /// <summary>The width and height of a PNG's IHDR chunk, or null when the file does not start with one.</summary>
    private static (uint Width, uint Height)? DeclaredPngSize(string path)
    {
        Span<byte> head = stackalloc byte[24];
        try
        {
            using var file = File.OpenRead(path);
            if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length)
            {
                return null;
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        return head[..16].SequenceEqual(signature)
            ? (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head[16..]), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head[20..]))
            : null;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file ends before the image data does (it is truncated)",
        SKCodecResult.ErrorInInput => "the image data is corrupt",
        SKCodecResult.InvalidInput => "the data is not a valid image",
        SKCodecResult.CouldNotRewind => "the file could not be re-read",
        SKCodecResult.Unimplemented => "this kind of image is not supported",
        SKCodecResult.InvalidConversion => "its pixels cannot be converted to RGB",
        SKCodecResult.InvalidScale => "the image size is invalid",
        SKCodecResult.InvalidParameters => "the decoder refused the request",
        _ => result.ToString(),
    };
}
