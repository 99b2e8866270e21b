namespace ImageClassifier.Hosting.Catalog;

/// <summary>A component kind a catalog knows, with how many components it holds.</summary>
/// <param name="Name">The kind's name ("backbone").</param>
/// <param name="BaseType">The kind's base class, the one that carries its <see cref="ComponentKindAttribute"/>.</param>
/// <param name="Count">The components registered under it.</param>
public sealed record KindSummary(string Name, Type BaseType, int Count);
