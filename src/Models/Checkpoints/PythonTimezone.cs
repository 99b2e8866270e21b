namespace ImageClassifier.Models.Checkpoints;

/// <summary>A fixed-offset <c>datetime.timezone</c>, kept only to attach to a datetime.</summary>
internal sealed record PythonTimezone(TimeSpan Offset);
