namespace ImageClassifier.Data.Images;

/// <summary>
/// Whose arithmetic a colour operation of <see cref="ColorOps"/> follows: the two give slightly
/// different bytes for the same factor, and each mmpretrain transform uses one of them.
/// </summary>
public enum ImageBackend
{
    /// <summary>mmcv's cv2 functions: blends in float32 as <c>cv2.addWeighted</c>, greys with OpenCV's BGR weights.</summary>
    OpenCv,

    /// <summary>Pillow's <c>ImageEnhance</c> (mmcv's pillow backend, torchvision on PIL images): <c>Image.blend</c>, ITU-R 601-2 luma.</summary>
    Pillow,
}
