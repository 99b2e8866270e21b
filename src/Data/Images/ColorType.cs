namespace ImageClassifier.Data.Images;

/// <summary>How decoded images are laid out; mmcv's <c>color_type</c>, snake_case in configs.</summary>
public enum ColorType
{
    /// <summary>
    /// "color": three channels in BGR order, as mmcv decodes (OpenCV's order); greyscale files are
    /// replicated into the three, palettes expanded, alpha dropped without compositing.
    /// </summary>
    Color,

    /// <summary>"grayscale": one channel; colour files are converted with the ITU-R BT.601 weights (0.299, 0.587, 0.114).</summary>
    Grayscale,
}
