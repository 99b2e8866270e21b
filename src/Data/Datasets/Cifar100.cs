using ImageClassifier.Data.Transforms;

namespace ImageClassifier.Data.Datasets;

/// <summary>
/// mmpretrain's <c>CIFAR100</c>, read from the binary version of the dataset: <c>train.bin</c> and
/// <c>test.bin</c>, each plain or <c>.gz</c>, in <c>data_root</c> or its <c>cifar-100-binary</c>
/// folder. Each record holds a coarse and a fine label; the 100 fine classes are used.
/// </summary>
[RegisterModel("CIFAR100")]
public sealed class Cifar100 : CifarBinaryDataset
{
    /// <summary>The fine class names, as mmpretrain spells them.</summary>
    public static IReadOnlyList<string> Categories { get; } =
    [
        "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
        "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
        "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
        "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
        "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
        "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
        "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
        "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
        "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
        "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
    ];

    /// <summary>Reads the split's file.</summary>
    /// <param name="dataRoot">The folder with train.bin and test.bin, or with cifar-100-binary holding them.</param>
    /// <param name="split">"train" or "test".</param>
    /// <param name="pipeline">The transforms each sample goes through.</param>
    public Cifar100(string dataRoot, DatasetSplit split = DatasetSplit.Train, Transform[]? pipeline = null)
        : base(
            dataRoot,
            "cifar-100-binary",
            split == DatasetSplit.Train ? ["train.bin"] : ["test.bin"],
            labelBytes: 2,
            labelOffset: 1,
            Categories,
            pipeline,
            "CIFAR100")
    {
        Split = split;
    }

    /// <summary>The split read.</summary>
    public DatasetSplit Split { get; }
}
