namespace ImageClassifier.Hosting.Validation;

/// <summary>What <see cref="RunValidator.Validate"/> found in a run that it did not refuse.</summary>
/// <param name="ModelType">The model's registered name ("ImageClassifier").</param>
/// <param name="Parameters">How many parameters the built model has; null when it is not a TorchSharp module.</param>
/// <param name="Wiring">The wiring check's input and output; null when the model does not take one image tensor.</param>
/// <param name="Warnings">Problems that only matter once data is read (a data_root that does not exist), each located as an error would be.</param>
public sealed record RunValidation(string ModelType, long? Parameters, WiringResult? Wiring, IReadOnlyList<string> Warnings);
