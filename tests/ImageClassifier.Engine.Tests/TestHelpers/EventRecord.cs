namespace ImageClassifier.Engine.Tests.TestHelpers;

/// <summary>One event of a TensorBoard event file: the file version, or the scalars of a summary.</summary>
public sealed record EventRecord(double WallTime, long Step, string? FileVersion, IReadOnlyList<(string Tag, float Value)> Scalars);
