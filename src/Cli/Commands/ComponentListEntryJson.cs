namespace ImageClassifier.Cli.Commands;

/// <summary>One component in <c>icls list-models --json</c>.</summary>
/// <param name="Name">The registry name.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Aliases">Other names that find it.</param>
/// <param name="Summary">Its documentation summary.</param>
/// <param name="ComponentType">The C# name of the component class.</param>
/// <param name="ConfigType">The C# name of its config class.</param>
/// <param name="Origin">Who registered it.</param>
/// <param name="AssemblyName">Its assembly.</param>
/// <param name="AssemblyVersion">Its assembly's version.</param>
/// <param name="Archs">The archs its config offers, with parameter counts when asked for.</param>
public sealed record ComponentListEntryJson(
    string Name,
    string Kind,
    IReadOnlyList<string> Aliases,
    string? Summary,
    string ComponentType,
    string ConfigType,
    string Origin,
    string AssemblyName,
    string? AssemblyVersion,
    IReadOnlyList<ComponentArchJson> Archs);
