namespace ImageClassifier.Hosting.Validation;

/// <summary>What <see cref="RunValidator.Validate"/> found in a run that it did not refuse.</summary>
/// <param name="ModelType">The model's registered name ("ImageClassifier").</param>
/// <param name="Parameters">How many parameters the built model has; null when it is not a TorchSharp module.</param>
/// <param name="Wiring">The wiring check's input and output; null when the model does not take one image tensor.</param>
/// <param name="Warnings">Problems that do not stop a run, each located as an error would be; none at present, since a path that does not exist became an error (issue 12).</param>
public sealed record RunValidation(string ModelType, long? Parameters, WiringResult? Wiring, IReadOnlyList<string> Warnings);
