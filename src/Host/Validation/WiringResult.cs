namespace ImageClassifier.Hosting.Validation;

/// <summary>What a wiring check ran: the input it gave the model and the shape of what came out.</summary>
/// <param name="Input">The dummy batch and where its shape came from.</param>
/// <param name="OutputShape">The model's output, (N, num_classes) for a classifier with a head.</param>
public sealed record WiringResult(ModelInput Input, IReadOnlyList<long> OutputShape)
{
    /// <summary>"(1, 10)".</summary>
    public string FormattedOutputShape => TensorShapes.Format(OutputShape);
}
