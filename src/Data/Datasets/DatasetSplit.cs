namespace ImageClassifier.Data.Datasets;

/// <summary>Which part of a dataset with fixed splits to read; "train" or "test" in configs.</summary>
public enum DatasetSplit
{
    /// <summary>"train": the training images.</summary>
    Train,

    /// <summary>"test": the test images.</summary>
    Test,
}
