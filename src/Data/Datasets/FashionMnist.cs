using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>mmpretrain's <c>FashionMNIST</c>: Zalando's clothing images in MNIST's format, 28x28 grayscale, 60,000 training and 10,000 test images, read from IDX files.</summary>
[RegisterModel("FashionMNIST")]
public sealed class FashionMnist : IdxImageDataset
{
    /// <summary>The class names, as mmpretrain spells them.</summary>
    public static IReadOnlyList<string> Categories { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Reads the split's files from <paramref name="dataRoot"/>.</summary>
    /// <param name="dataRoot">The folder with train-images-idx3-ubyte(.gz) and the other files.</param>
    /// <param name="split">"train" or "test".</param>
    /// <param name="pipeline">The transforms each sample goes through.</param>
    public FashionMnist(string dataRoot, DatasetSplit split = DatasetSplit.Train, Transform[]? pipeline = null)
        : base(dataRoot, split, Categories, pipeline, "FashionMNIST")
    {
    }
}
