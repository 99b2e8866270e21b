using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// mmpretrain's <c>ImageNet</c> dataset: a <see cref="CustomDataset"/> laid out as ImageNet is,
/// with <c>split</c> ("train", "val" or "test") choosing the images folder
/// (<c>data_root</c>/<c>split</c>, unless <c>data_prefix</c> says otherwise) and its list
/// <c>data_root</c>/meta/<c>split</c>.txt when that file exists (unless <c>ann_file</c> says
/// otherwise). Without a list the images are found in their class folders (the WordNet ids of
/// ImageNet-1k's training set), which also name the classes; with one, the classes are named by
/// <c>classes</c>, or by their numbers.
/// </summary>
[RegisterModel]
public sealed class ImageNet : CustomDataset
{
    /// <summary>Finds the split's images and checks their headers.</summary>
    /// <param name="dataRoot">The dataset's folder (mmpretrain's data/imagenet).</param>
    /// <param name="split">"train", "val" or "test"; empty to give data_prefix and ann_file alone.</param>
    /// <param name="dataPrefix">The images folder under data_root; the split's name when empty.</param>
    /// <param name="annFile">The "path label" list under data_root; meta/SPLIT.txt when empty and that file exists.</param>
    /// <param name="classes">The class names in label order (see <see cref="CustomDataset"/>).</param>
    /// <param name="extensions">The file name extensions that count as images (case ignored).</param>
    /// <param name="colorType">"color" for three channels in BGR order (mmcv's), "grayscale" for one.</param>
    /// <param name="onBadImage">"error" stops at an unreadable image; "skip" leaves it out with a warning.</param>
    /// <param name="pipeline">The transforms each sample goes through.</param>
    public ImageNet(
        string dataRoot,
        [OneOf("", "train", "val", "test")] string split = "",
        string dataPrefix = "",
        string annFile = "",
        string[]? classes = null,
        [DefaultItems(".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif")] string[]? extensions = null,
        ColorType colorType = ColorType.Color,
        BadImagePolicy onBadImage = BadImagePolicy.Error,
        Transform[]? pipeline = null)
        : base(dataRoot, PrefixOf(split, dataPrefix), AnnotationsOf(dataRoot, split, annFile), classes, extensions, colorType, onBadImage, pipeline)
    {
    }

    private static string PrefixOf(string split, string dataPrefix)
    {
        if (split is not ("" or "train" or "val" or "test"))
        {
            throw new ConfigValueException("split", split, "\"train\", \"val\" or \"test\"");
        }

        return string.IsNullOrEmpty(dataPrefix) ? split : dataPrefix;
    }

    private static string AnnotationsOf(string dataRoot, string split, string annFile)
    {
        if (!string.IsNullOrEmpty(annFile) || string.IsNullOrEmpty(split) || string.IsNullOrWhiteSpace(dataRoot))
        {
            return annFile;
        }

        var list = Path.Combine("meta", split + ".txt");
        return File.Exists(Path.Combine(dataRoot, list)) ? list : string.Empty;
    }
}
