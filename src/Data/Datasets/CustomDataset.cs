using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// mmpretrain's <c>CustomDataset</c> for an image folder: one subfolder per class under
/// <c>data_root</c>/<c>data_prefix</c> (searched recursively), the class names being the folder
/// names in ordinal order unless <c>classes</c> lists them; or, with <c>ann_file</c>, the images
/// and labels that file lists, one "path label" line each, paths relative to
/// <c>data_root</c>/<c>data_prefix</c>. Images are PNG, JPEG, BMP, WebP or GIF, decoded with
/// SkiaSharp. Every file's header is checked when the dataset is built; a file that cannot be read
/// is an error naming it, or, with <c>on_bad_image: "skip"</c>, left out and listed in
/// <see cref="Warnings"/>.
/// </summary>
[RegisterModel]
public partial class CustomDataset : Dataset
{
    private static readonly string[] DefaultExtensions = [.. ImageCodec.Extensions];

    private readonly List<(string Path, int Label)> samples = [];
    private readonly string[] classes;
    private readonly ColorType colorType;
    private readonly BadImagePolicy onBadImage;
    private readonly List<string> warnings = [];
    private readonly HashSet<int> undecodable = [];
    private readonly Lock gate = new();

    /// <summary>Finds every image of every class folder and checks its header.</summary>
    /// <param name="dataRoot">The dataset's folder.</param>
    /// <param name="dataPrefix">The folder under data_root that holds the class folders; data_root itself when empty.</param>
    /// <param name="annFile">A text file under data_root listing "path label" per line; empty to find the images by their class folders.</param>
    /// <param name="classes">The class names in label order: the class folders to use (every subfolder, in ordinal order, when null); with ann_file, the labels' names (their numbers when null).</param>
    /// <param name="extensions">The file name extensions that count as images (case ignored).</param>
    /// <param name="colorType">"color" for three channels in BGR order (mmcv's), "grayscale" for one; a color_type on the pipeline's LoadImageFromFile takes precedence.</param>
    /// <param name="onBadImage">"error" stops at an unreadable image; "skip" leaves it out with a warning.</param>
    /// <param name="pipeline">The transforms each sample goes through.</param>
    public CustomDataset(
        string dataRoot,
        string dataPrefix = "",
        string annFile = "",
        string[]? classes = null,
        [DefaultItems(".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif")] string[]? extensions = null,
        ColorType colorType = ColorType.Color,
        BadImagePolicy onBadImage = BadImagePolicy.Error,
        Transform[]? pipeline = null)
        : base(pipeline)
    {
        if (string.IsNullOrWhiteSpace(dataRoot))
        {
            throw new ConfigValueException("data_root", dataRoot, "the folder that holds the class folders");
        }

        var root = string.IsNullOrEmpty(dataPrefix) ? dataRoot : Path.Combine(dataRoot, dataPrefix);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"CustomDataset's folder '{root}' does not exist; data_root and data_prefix must name a folder with one subfolder per class.");
        }

        var suffixes = (extensions ?? DefaultExtensions).Select(extension => extension.StartsWith('.') ? extension : "." + extension).ToArray();
        // mmpretrain puts color_type on the pipeline's LoadImageFromFile; that one wins when set.
        this.colorType = Pipeline.OfType<LoadImageFromFile>().Select(step => step.ColorType).FirstOrDefault(type => type is not null) ?? colorType;
        this.onBadImage = onBadImage;
        IEnumerable<(string Path, int Label)> candidates;
        if (string.IsNullOrEmpty(annFile))
        {
            this.classes = classes is null
                ? [.. Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
                : [.. classes];
            if (this.classes.Length == 0)
            {
                throw new ConfigValueException("data_root", root, "a folder with one subfolder per class, but it has no subfolders");
            }

            candidates = FindInClassFolders(root, this.classes, suffixes);
        }
        else
        {
            var annotations = ReadAnnotations(Path.Combine(dataRoot, annFile), root);
            var labelCount = annotations.Count == 0 ? 0 : annotations.Max(sample => sample.Label) + 1;
            this.classes = classes is null ? [.. Enumerable.Range(0, labelCount).Select(label => label.ToString(System.Globalization.CultureInfo.InvariantCulture))] : [.. classes];
            if (labelCount > this.classes.Length)
            {
                throw new ConfigValueException("classes", this.classes.Length, $"a name for each of the {labelCount} labels '{annFile}' uses (0 to {labelCount - 1})");
            }

            candidates = annotations;
        }

        foreach (var (file, label) in candidates)
        {
            if (ImageCodec.TryReadHeader(file, out var problem, colorType))
            {
                samples.Add((file, label));
            }
            else if (onBadImage == BadImagePolicy.Skip)
            {
                warnings.Add($"skipped '{file}': {problem}");
            }
            else
            {
                throw new DataFormatException(file, null, $"cannot read it as an image: {problem} (set on_bad_image to \"skip\" to leave such files out)");
            }
        }

        if (samples.Count == 0)
        {
            throw new ConfigValueException("data_root", root, $"a folder whose class folders hold images ({string.Join(", ", suffixes)}), but none were found");
        }
    }

    private static IEnumerable<(string Path, int Label)> FindInClassFolders(string root, string[] classes, string[] suffixes)
    {
        for (var label = 0; label < classes.Length; label++)
        {
            var folder = Path.Combine(root, classes[label]);
            if (!Directory.Exists(folder))
            {
                throw new ConfigValueException($"classes[{label}]", classes[label], $"a subfolder of '{root}', but there is no '{folder}'");
            }

            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(file => suffixes.Any(suffix => file.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                yield return (file, label);
            }
        }
    }

    /// <summary>The "path label" lines of <paramref name="annPath"/> (blank lines skipped), paths made relative to <paramref name="root"/>.</summary>
    private static List<(string Path, int Label)> ReadAnnotations(string annPath, string root)
    {
        if (!File.Exists(annPath))
        {
            throw new FileNotFoundException($"CustomDataset's ann_file '{annPath}' does not exist; it is read from data_root.", annPath);
        }

        var samples = new List<(string Path, int Label)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(annPath))
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            // The label is the last field, so a path may hold spaces.
            var split = text.LastIndexOfAny([' ', '\t']);
            if (split <= 0 || !int.TryParse(text[(split + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var label))
            {
                throw new DataFormatException(annPath, null, $"line {lineNumber}: expected an image path and a label (a whole number from 0), separated by a space, but found '{text}'");
            }

            samples.Add((Path.Combine(root, text[..split].TrimEnd()), label));
        }

        return samples.Count > 0 ? samples : throw new DataFormatException(annPath, null, "lists no images: expected one \"path label\" line per image");
    }

    /// <inheritdoc />
    public override int Count => samples.Count;

    /// <inheritdoc />
    public override IReadOnlyList<string> Classes => classes;

    /// <summary>The file and label of every sample, in order.</summary>
    public IReadOnlyList<(string Path, int Label)> Samples => samples;

    /// <inheritdoc />
    public override IReadOnlyList<string> Warnings
    {
        get
        {
            lock (gate)
            {
                return [.. warnings];
            }
        }
    }

    /// <inheritdoc />
    protected override DataSample Load(int index)
    {
        for (var attempt = 0; attempt < samples.Count; attempt++)
        {
            var current = (index + attempt) % samples.Count;
            lock (gate)
            {
                if (undecodable.Contains(current))
                {
                    continue;
                }
            }

            var (path, label) = samples[current];
            try
            {
                return new DataSample(ImageCodec.Decode(path, colorType), label, path);
            }
            catch (DataFormatException error) when (onBadImage == BadImagePolicy.Skip)
            {
                lock (gate)
                {
                    undecodable.Add(current);
                    warnings.Add($"skipped '{path}' (sample {current}), using the next readable image instead: {error.Problem}");
                }
            }
        }

        throw new InvalidOperationException($"CustomDataset has no readable image left under '{Path.GetDirectoryName(samples[0].Path)}'.");
    }
}
