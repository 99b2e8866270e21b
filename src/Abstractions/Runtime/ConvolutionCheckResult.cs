namespace ImageClassifier.Runtime;

/// <summary>How libtorch's float32 convolutions compared with a float64 reference at start-up.</summary>
/// <param name="Passed">True when every case agreed within the tolerance.</param>
/// <param name="WorstCase">The case with the largest error, e.g. "17 channels, 3x3, input gradient".</param>
/// <param name="WorstRelativeError">Its error relative to the reference's largest magnitude (NaN when the result was not finite).</param>
/// <param name="Elapsed">How long the check took.</param>
/// <param name="FromCache">True when an earlier process's passing verdict on this machine was reused (see <see cref="TorchRuntimeOptions.CacheDirectory"/>).</param>
public sealed record ConvolutionCheckResult(bool Passed, string WorstCase, double WorstRelativeError, TimeSpan Elapsed, bool FromCache = false);
