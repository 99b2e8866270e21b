namespace ImageClassifier.Models.Layers;

/// <summary>Which weight layout <see cref="InferenceLayoutTuning"/> left a model in, and why.</summary>
/// <param name="ChannelsLast">True for channels-last (NHWC) weights, false for NCHW.</param>
/// <param name="ChannelsLastMilliseconds">The median timed pass with channels-last weights; null when the decision came from the cache.</param>
/// <param name="ContiguousMilliseconds">The median timed pass with NCHW weights; null when the decision came from the cache.</param>
/// <param name="FromCache">True when an earlier process on this machine had timed this model at this batch shape.</param>
public sealed record InferenceLayoutDecision(bool ChannelsLast, double? ChannelsLastMilliseconds, double? ContiguousMilliseconds, bool FromCache)
{
    /// <summary>The layout's name as the cache and the logs write it.</summary>
    public string Layout => ChannelsLast ? "channels_last" : "contiguous";
}
