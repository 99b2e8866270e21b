namespace ImageClassifier;

/// <summary>What <see cref="IParameterEstimate.EstimateParameters"/> returns.</summary>
/// <param name="Count">Parameters of the component's own layers (weights and biases; small terms such as norms may be left out).</param>
/// <param name="Member">The snake_case config member whose value the count grows with most (<c>num_classes</c>), named in the error when the model is too large.</param>
public readonly record struct ParameterEstimate(double Count, string Member);
