namespace ImageClassifier.Data.Transforms;

/// <summary>How resizing samples the source image; snake_case in configs.</summary>
public enum Interpolation
{
    /// <summary>"nearest": the nearest source pixel (OpenCV's INTER_NEAREST).</summary>
    Nearest,

    /// <summary>"bilinear": linear in both directions between the four nearest pixels, pixel centres aligned (OpenCV's INTER_LINEAR).</summary>
    Bilinear,
}
