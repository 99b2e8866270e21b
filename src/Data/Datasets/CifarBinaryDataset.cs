using ImageClassifier.Data.Images;
using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// A dataset in the CIFAR binary layout: files of fixed-size records, each the label byte(s)
/// followed by a 32x32 RGB image stored channel-first (1,024 red, then green, then blue bytes).
/// Samples are (3, 32, 32).
/// </summary>
public abstract class CifarBinaryDataset : Dataset
{
    /// <summary>The side of a CIFAR image.</summary>
    public const int ImageSide = 32;

    /// <summary>The bytes of one CIFAR image, 3 x 32 x 32.</summary>
    public const int ImageBytes = 3 * ImageSide * ImageSide;

    private readonly List<(string Path, byte[] Bytes)> files = [];
    private readonly List<(int File, int Record)> records = [];
    private readonly int labelBytes;
    private readonly int labelOffset;
    private readonly string[] classes;

    /// <summary>Reads and checks every file of the split.</summary>
    /// <param name="dataRoot">The folder with the files, or with <paramref name="subfolder"/> holding them.</param>
    /// <param name="subfolder">The folder name the official archive unpacks to.</param>
    /// <param name="fileNames">The split's files, in order.</param>
    /// <param name="labelBytes">Label bytes before each image.</param>
    /// <param name="labelOffset">Which of them is the label used.</param>
    /// <param name="classes">The class names, by label.</param>
    /// <param name="pipeline">The transforms.</param>
    /// <param name="datasetName">The registry name, for messages.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file is truncated, or a label is out of range.</exception>
    protected CifarBinaryDataset(
        string dataRoot,
        string subfolder,
        IReadOnlyList<string> fileNames,
        int labelBytes,
        int labelOffset,
        IReadOnlyList<string> classes,
        Transform[]? pipeline,
        string datasetName)
        : base(pipeline)
    {
        if (string.IsNullOrWhiteSpace(dataRoot))
        {
            throw new ConfigValueException("data_root", dataRoot, "the folder that holds the dataset's files");
        }

        DataRoot = dataRoot;
        this.labelBytes = labelBytes;
        this.labelOffset = labelOffset;
        this.classes = [.. classes];
        var recordSize = labelBytes + ImageBytes;
        foreach (var name in fileNames)
        {
            var path = DatasetFiles.Find([dataRoot, Path.Combine(dataRoot, subfolder)], name, datasetName);
            var bytes = DatasetFiles.ReadAll(path);
            if (bytes.Length == 0)
            {
                throw new DataFormatException(path, 0, "the file is empty");
            }

            if (bytes.Length % recordSize != 0)
            {
                var whole = bytes.Length / recordSize;
                throw new DataFormatException(
                    path,
                    (long)whole * recordSize,
                    $"the file holds {bytes.Length} bytes, not a whole number of {recordSize}-byte records: record {whole}, which starts here, is cut short after {bytes.Length % recordSize} bytes (the file is truncated)");
            }

            var fileIndex = files.Count;
            files.Add((path, bytes));
            for (var record = 0; record < bytes.Length / recordSize; record++)
            {
                var offset = ((long)record * recordSize) + labelOffset;
                var label = bytes[offset];
                if (label >= this.classes.Length)
                {
                    throw new DataFormatException(path, offset, $"the label of record {record} is {label}, not a class index (0 to {this.classes.Length - 1}): the file is corrupt or of another CIFAR variant");
                }

                records.Add((fileIndex, record));
            }
        }
    }

    /// <summary>The folder given as data_root.</summary>
    public string DataRoot { get; }

    /// <inheritdoc />
    public override int Count => records.Count;

    /// <inheritdoc />
    public override IReadOnlyList<string> Classes => classes;

    /// <inheritdoc />
    protected override DataSample Load(int index)
    {
        var (fileIndex, record) = records[index];
        var (path, bytes) = files[fileIndex];
        var start = (record * (labelBytes + ImageBytes)) + labelBytes;
        var image = bytes.AsSpan(start, ImageBytes).ToArray();
        return new DataSample(new ImageData(image, 3, ImageSide, ImageSide), bytes[(record * (labelBytes + ImageBytes)) + labelOffset], $"{path}#{record}");
    }
}
