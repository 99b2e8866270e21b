namespace ImageClassifier.Hosting.Catalog;

/// <summary>One config member of a described component, as plain text for people and JSON.</summary>
/// <param name="Name">The C# member name ("OutIndices").</param>
/// <param name="JsonName">The config key ("out_indices").</param>
/// <param name="Type">The type as an author reads it ("int[]", "Loss config").</param>
/// <param name="ClrType">The C# type name ("int[]", "ImageClassifier.LossConfig").</param>
/// <param name="ComponentKind">The kind of a nested component parameter ("loss"), else null.</param>
/// <param name="Required">Whether a config must set it.</param>
/// <param name="DefaultJson">The default as JSON text ("50", "[3]"); null when required.</param>
/// <param name="Constraints">What a valid value is, one text per constraint ("one of 18, 34").</param>
/// <param name="Doc">The parameter's documentation.</param>
/// <param name="DeclaredBy">The base component that declares it; null for the component's own parameters.</param>
public sealed record ParameterDescription(
    string Name,
    string JsonName,
    string Type,
    string ClrType,
    string? ComponentKind,
    bool Required,
    string? DefaultJson,
    IReadOnlyList<string> Constraints,
    string? Doc,
    string? DeclaredBy);
