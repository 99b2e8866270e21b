using ImageClassifier.Data.Images;

namespace ImageClassifier.Data.Datasets;

/// <summary>One sample as a dataset gives it and transforms pass it on: an image, its class index and where it came from.</summary>
/// <param name="Image">The image, (C, H, W) bytes.</param>
/// <param name="Label">The class index, from 0.</param>
/// <param name="Source">Where the sample came from (a file path, or a file and record number), for messages.</param>
public sealed record DataSample(ImageData Image, int Label, string Source);
