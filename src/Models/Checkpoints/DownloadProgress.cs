namespace ImageClassifier.Models.Checkpoints;

/// <summary>How far a checkpoint download has got.</summary>
/// <param name="Url">What is downloaded.</param>
/// <param name="Received">Bytes in the cache so far, a resumed download's earlier bytes included.</param>
/// <param name="Total">The whole file's size, when the server says it.</param>
public sealed record DownloadProgress(string Url, long Received, long? Total);
