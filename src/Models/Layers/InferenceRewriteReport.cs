namespace ImageClassifier.Models.Layers;

/// <summary>What <see cref="InferenceRewrite.Apply"/> did.</summary>
/// <param name="FoldedNorms">Batch norms folded into the convolution before them.</param>
/// <param name="ChannelsLastWeights">Weights given channels-last strides (0 where that does not pay).</param>
public sealed record InferenceRewriteReport(int FoldedNorms, int ChannelsLastWeights);
