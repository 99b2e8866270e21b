using SkiaSharp;

namespace ImageClassifier.Data.Images;

/// <summary>
/// Turns a decoded image the way its EXIF orientation says it is shown, as mmcv does for the
/// "color" and "grayscale" flags (OpenCV's IMREAD_COLOR, Pillow's exif_transpose): a phone photo
/// stored sideways reaches the model upright, as it did in mmpretrain.
/// </summary>
internal static class ImageOrientation
{
    public static ImageData Apply(ImageData image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or (SKEncodedOrigin)0)
        {
            return image;
        }

        var (height, width) = (image.Height, image.Width);
        var swapsSides = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (shownHeight, shownWidth) = swapsSides ? (width, height) : (height, width);
        var plane = height * width;
        var pixels = new byte[image.Pixels.Length];
        for (var channel = 0; channel < image.Channels; channel++)
        {
            var offset = channel * plane;
            for (var y = 0; y < shownHeight; y++)
            {
                for (var x = 0; x < shownWidth; x++)
                {
                    // The stored pixel that is shown at (y, x).
                    var (sourceY, sourceX) = origin switch
                    {
                        SKEncodedOrigin.TopRight => (y, width - 1 - x),
                        SKEncodedOrigin.BottomRight => (height - 1 - y, width - 1 - x),
                        SKEncodedOrigin.BottomLeft => (height - 1 - y, x),
                        SKEncodedOrigin.LeftTop => (x, y),
                        SKEncodedOrigin.RightTop => (height - 1 - x, y),
                        SKEncodedOrigin.RightBottom => (height - 1 - x, width - 1 - y),
                        SKEncodedOrigin.LeftBottom => (x, width - 1 - y),
                        _ => (y, x),
                    };
                    pixels[offset + (y * shownWidth) + x] = image.Pixels[offset + (sourceY * width) + sourceX];
                }
            }
        }

        return new ImageData(pixels, image.Channels, shownHeight, shownWidth);
    }
}
