using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// A dataset in MNIST's layout: <c>train-images-idx3-ubyte</c> / <c>train-labels-idx1-ubyte</c> and
/// <c>t10k-images-idx3-ubyte</c> / <c>t10k-labels-idx1-ubyte</c> in <c>data_root</c>, each plain or
/// gzip-compressed (<c>.gz</c>). Samples are single-channel images, (1, rows, columns).
/// </summary>
public abstract class IdxImageDataset : Dataset
{
    private readonly byte[] pixels;
    private readonly byte[] labels;
    private readonly string[] classes;
    private readonly string imagesPath;

    /// <summary>Reads and checks both files of <paramref name="split"/>.</summary>
    /// <param name="dataRoot">The folder with the files.</param>
    /// <param name="split">Which files to read.</param>
    /// <param name="classes">The class names, by label.</param>
    /// <param name="pipeline">The transforms.</param>
    /// <param name="datasetName">The registry name, for messages.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file is truncated or corrupt, or the two files disagree.</exception>
    protected IdxImageDataset(string dataRoot, DatasetSplit split, IReadOnlyList<string> classes, Transform[]? pipeline, string datasetName)
        : base(pipeline)
    {
        if (string.IsNullOrWhiteSpace(dataRoot))
        {
            throw new ConfigValueException("data_root", dataRoot, "the folder that holds the dataset's files");
        }

        if (!Enum.IsDefined(split))
        {
            throw new ConfigValueException("split", split, "\"train\" or \"test\"");
        }

        DataRoot = dataRoot;
        Split = split;
        this.classes = [.. classes];
        var prefix = split == DatasetSplit.Train ? "train" : "t10k";
        imagesPath = DatasetFiles.Find([dataRoot], $"{prefix}-images-idx3-ubyte", datasetName);
        var labelsPath = DatasetFiles.Find([dataRoot], $"{prefix}-labels-idx1-ubyte", datasetName);
        (pixels, var count, Rows, Columns) = IdxFile.ReadImages(imagesPath);
        labels = IdxFile.ReadLabels(labelsPath);
        if (labels.Length != count)
        {
            throw new DataFormatException(labelsPath, 4, $"it holds {labels.Length} labels, but '{imagesPath}' holds {count} images");
        }

        var bad = Array.FindIndex(labels, label => label >= this.classes.Length);
        if (bad >= 0)
        {
            throw new DataFormatException(labelsPath, 8 + bad, $"label {labels[bad]} of record {bad} is not a class index (0 to {this.classes.Length - 1})");
        }
    }

    /// <summary>The folder the files were read from.</summary>
    public string DataRoot { get; }

    /// <summary>The split read.</summary>
    public DatasetSplit Split { get; }

    /// <summary>The image height.</summary>
    public int Rows { get; }

    /// <summary>The image width.</summary>
    public int Columns { get; }

    /// <inheritdoc />
    public override int Count => labels.Length;

    /// <inheritdoc />
    public override IReadOnlyList<string> Classes => classes;

    /// <summary>The label of every sample, in order (no image is read).</summary>
    public IReadOnlyList<byte> Labels => labels;

    /// <inheritdoc />
    protected override DataSample Load(int index)
    {
        var size = Rows * Columns;
        var image = pixels.AsSpan(index * size, size).ToArray();
        return new DataSample(new ImageData(image, 1, Rows, Columns), labels[index], $"{imagesPath}#{index}");
    }
}
