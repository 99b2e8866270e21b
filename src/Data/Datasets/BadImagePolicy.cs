namespace ImageClassifier.Data.Datasets;

/// <summary>What <see cref="CustomDataset"/> does with a file it cannot decode; <c>on_bad_image</c> in configs.</summary>
public enum BadImagePolicy
{
    /// <summary>"error": stop with an error naming the file.</summary>
    Error,

    /// <summary>"skip": leave the file out (or, when it fails only at decoding, use the next readable image) and report it as a warning.</summary>
    Skip,
}
