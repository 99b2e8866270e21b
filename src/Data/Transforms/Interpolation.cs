namespace ImageClassifier.Data.Transforms;

/// <summary>How resizing and warping sample the source image; snake_case in configs.</summary>
public enum Interpolation
{
    /// <summary>"nearest": the nearest source pixel (OpenCV's INTER_NEAREST).</summary>
    Nearest,

    /// <summary>"bilinear": linear in both directions between the four nearest pixels, pixel centres aligned (OpenCV's INTER_LINEAR).</summary>
    Bilinear,

    /// <summary>"bicubic": Keys' cubic convolution (a = -0.75) over the sixteen nearest pixels (OpenCV's INTER_CUBIC).</summary>
    Bicubic,
}
