namespace ImageClassifier.Engine.Inference;

/// <summary>What became of one input of <see cref="ImageClassificationInferencer.InferFiles"/>: its result, or why it has none.</summary>
/// <param name="Source">The file (or the path given, when it names nothing).</param>
/// <param name="Result">The prediction; null when the file failed.</param>
/// <param name="Error">Why the file has no prediction (unreadable, not an image, missing), without its name; null when it has one.</param>
public sealed record InferenceOutcome(string Source, InferenceResult? Result, string? Error)
{
    /// <summary>Whether the file was classified.</summary>
    public bool Succeeded => Result is not null;

    /// <summary>The failure as one line that names the file once: <c>'a.png': it is empty; ...</c>; null when the file was classified.</summary>
    public string? Describe() => Error is null ? null : $"'{Source}': {Error}";
}
