using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// mmpretrain's <c>CIFAR10</c>, read from the binary version of the dataset: <c>data_batch_1.bin</c>
/// ... <c>data_batch_5.bin</c> (train) and <c>test_batch.bin</c> (test), each plain or <c>.gz</c>, in
/// <c>data_root</c> or its <c>cifar-10-batches-bin</c> folder. 32x32 RGB images in 10 classes.
/// </summary>
[RegisterModel("CIFAR10")]
public sealed class Cifar10 : CifarBinaryDataset
{
    /// <summary>The class names, as mmpretrain spells them.</summary>
    public static IReadOnlyList<string> Categories { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Reads the split's batches.</summary>
    /// <param name="dataRoot">The folder with the .bin files, or with cifar-10-batches-bin holding them.</param>
    /// <param name="split">"train" or "test".</param>
    /// <param name="pipeline">The transforms each sample goes through.</param>
    public Cifar10(string dataRoot, DatasetSplit split = DatasetSplit.Train, Transform[]? pipeline = null)
        : base(
            dataRoot,
            "cifar-10-batches-bin",
            split == DatasetSplit.Train ? ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"] : ["test_batch.bin"],
            labelBytes: 1,
            labelOffset: 0,
            Categories,
            pipeline,
            "CIFAR10")
    {
        Split = split;
    }

    /// <summary>The split read.</summary>
    public DatasetSplit Split { get; }
}
