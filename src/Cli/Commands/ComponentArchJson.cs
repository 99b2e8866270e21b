namespace ImageClassifier.Cli.Commands;

/// <summary>One arch of a component in <c>icls list-models --json</c>.</summary>
/// <param name="Name">The arch as configs write it ("50", "tiny").</param>
/// <param name="Parameters">Its parameter count with <c>--params</c>; null otherwise.</param>
public sealed record ComponentArchJson(string Name, long? Parameters);
