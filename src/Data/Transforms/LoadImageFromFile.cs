using ImageClassifier.Data.Datasets;
using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// mmcv's <c>LoadImageFromFile</c>, with its keys, so that mmpretrain's image pipelines bind as
/// written. Datasets decode their images themselves, as mmcv does (BGR, see <see cref="ColorType"/>),
/// so this step passes samples through; its <c>color_type</c>, when set, is the one a
/// <see cref="CustomDataset"/> decodes with.
/// </summary>
[RegisterModel]
public sealed class LoadImageFromFile : Transform
{
    /// <summary>Creates the step.</summary>
    /// <param name="colorType">"color" (three channels, BGR) or "grayscale"; null leaves it to the dataset's color_type.</param>
    /// <param name="imdecodeBackend">mmcv's decoder choice. Every backend decodes with the same decoder here, whose pixels equal Pillow's for PNG and, in the fixtures' JPEGs, for JPEG too (docs/training.md, "Channel order").</param>
    /// <param name="toFloat32">mmcv converts the image to float32 here; the data preprocessor does it here, so this changes nothing.</param>
    public LoadImageFromFile(
        ColorType? colorType = null,
        [OneOf("cv2", "pillow", "turbojpeg", "tifffile")] string imdecodeBackend = "cv2",
        bool toFloat32 = false)
    {
        ColorType = colorType;
        ImdecodeBackend = imdecodeBackend;
        ToFloat32 = toFloat32;
    }

    /// <summary>The colour type images are decoded with, or null for the dataset's.</summary>
    public ColorType? ColorType { get; }

    /// <summary>mmcv's decoder choice, kept for the config.</summary>
    public string ImdecodeBackend { get; }

    /// <summary>mmcv's float32 conversion, kept for the config.</summary>
    public bool ToFloat32 { get; }

    /// <inheritdoc />
    public override DataSample Apply(DataSample sample, Random random)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample;
    }
}
