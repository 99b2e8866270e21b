namespace ImageClassifier.Hosting.Catalog;

/// <summary>A registration that a later one overrode.</summary>
/// <param name="ComponentType">The C# name of the replaced component class.</param>
/// <param name="Origin">Who had registered it.</param>
/// <param name="AssemblyName">Its assembly's simple name.</param>
/// <param name="AssemblyVersion">Its assembly's version.</param>
/// <param name="AssemblyPath">Its assembly's file, when it has one.</param>
public sealed record ReplacedComponent(
    string ComponentType,
    string Origin,
    string AssemblyName,
    string? AssemblyVersion,
    string? AssemblyPath);
