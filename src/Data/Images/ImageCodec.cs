using SkiaSharp;

namespace ImageClassifier.Data.Images;

/// <summary>Reads and writes image files (PNG, JPEG, BMP, WebP, GIF) through SkiaSharp.</summary>
public static class ImageCodec
{
    /// <summary>The file name extensions the codec reads, lower case with the dot.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    /// <summary>Whether the file's header is that of a readable image; <paramref name="problem"/> says why not.</summary>
    public static bool TryReadHeader(string path, out string? problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var codec = SKCodec.Create(path, out var result);
            if (codec is null)
            {
                problem = result == SKCodecResult.Success ? "it is not an image SkiaSharp can read" : Describe(result);
                return false;
            }

            if (codec.Info.Width <= 0 || codec.Info.Height <= 0)
            {
                problem = $"its header declares a {codec.Info.Width}x{codec.Info.Height} image";
                return false;
            }

            problem = null;
            return true;
        }
        catch (IOException error)
        {
            problem = error.Message;
            return false;
        }
    }

    /// <summary>Decodes the file at <paramref name="path"/> into a (C, H, W) image.</summary>
    /// <exception cref="DataFormatException">The file is not a readable image, or is truncated.</exception>
    public static ImageData Decode(string path, ColorType colorType = ColorType.Color)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var codec = SKCodec.Create(path, out var result)
            ?? throw new DataFormatException(path, null, $"cannot read it as an image: {(result == SKCodecResult.Success ? "unknown format" : Describe(result))}");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var decoded = codec.GetPixels(info, out var rgba);
        if (decoded != SKCodecResult.Success || rgba is null)
        {
            throw new DataFormatException(path, null, $"its {codec.EncodedFormat} data cannot be decoded: {Describe(decoded)}");
        }

        return FromRgba(rgba, info.Height, info.Width, colorType);
    }

    /// <summary>Writes <paramref name="image"/> (1 or 3 channels) as a PNG file.</summary>
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
                rgba[(i * 4) + channel] = image.Pixels[(image.Channels == 1 ? 0 : channel * plane) + i];
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

        var pixels = new byte[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            pixels[i] = rgba[i * 4];
            pixels[plane + i] = rgba[(i * 4) + 1];
            pixels[(2 * plane) + i] = rgba[(i * 4) + 2];
        }

        return new ImageData(pixels, 3, height, width);
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
