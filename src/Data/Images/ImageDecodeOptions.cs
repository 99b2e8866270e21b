using ImageClassifier.Runtime;

namespace ImageClassifier.Data.Images;

/// <summary>
/// The limits <see cref="ImageCodec"/> checks against an image's declared size before it
/// allocates anything for the pixels: a file of a few bytes can declare billions of pixels, and
/// without a limit the decoder would try to allocate them all.
/// </summary>
public sealed record ImageDecodeOptions
{
    /// <summary>Sets <see cref="MaxPixels"/> for every decode that is not given options.</summary>
    public const string MaxPixelsVariable = "ICLS_MAX_IMAGE_PIXELS";

    /// <summary>Sets <see cref="MaxBytes"/> for every decode that is not given options.</summary>
    public const string MaxBytesVariable = "ICLS_MAX_IMAGE_BYTES";

    /// <summary>Pillow's <c>Image.MAX_IMAGE_PIXELS</c>: 1024 x 1024 x 1024 / 4 / 3, a 250 MB RGB image.</summary>
    public const long DefaultMaxPixels = 89_478_485;

    /// <summary>1 GiB: above what an image of <see cref="DefaultMaxPixels"/> needs (about 626 MB), so by default the pixel limit decides.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The most pixels (width x height) an image may declare.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>
    /// The most bytes decoding may allocate for the pixels: the 4-byte RGBA buffer the codec fills
    /// plus the 1- or 3-channel image made from it.
    /// </summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>The defaults, changed by <see cref="MaxPixelsVariable"/> and <see cref="MaxBytesVariable"/> where they are set.</summary>
    /// <exception cref="ArgumentException">A variable holds something other than a limit.</exception>
    public static ImageDecodeOptions FromEnvironment(Func<string, string?>? read = null) => new()
    {
        MaxPixels = SizeLimitVariable.Read(MaxPixelsVariable, DefaultMaxPixels, "pixels", read),
        MaxBytes = SizeLimitVariable.Read(MaxBytesVariable, DefaultMaxBytes, "bytes", read),
    };
}
