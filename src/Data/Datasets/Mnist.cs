using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>mmpretrain's <c>MNIST</c>: handwritten digits, 28x28 grayscale, 60,000 training and 10,000 test images, read from IDX files.</summary>
[RegisterModel("MNIST")]
public sealed class Mnist : IdxImageDataset
{
    /// <summary>The class names, as mmpretrain spells them.</summary>
    public static IReadOnlyList<string> Categories { get; } =
        ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"];

    /// <summary>Reads the split's files from <paramref name="dataRoot"/>.</summary>
    /// <param name="dataRoot">The folder with train-images-idx3-ubyte(.gz) and the other files.</param>
    /// <param name="split">"train" or "test".</param>
    /// <param name="pipeline">The transforms each sample goes through.</param>
    public Mnist(string dataRoot, DatasetSplit split = DatasetSplit.Train, Transform[]? pipeline = null)
        : base(dataRoot, split, Categories, pipeline, "MNIST")
    {
    }
}
