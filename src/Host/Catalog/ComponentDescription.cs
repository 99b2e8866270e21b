namespace ImageClassifier.Hosting.Catalog;

/// <summary>
/// Everything a catalog knows of one component, as plain text: what <c>icls describe</c> prints
/// and serialises.
/// </summary>
/// <param name="Name">The registry name.</param>
/// <param name="Aliases">Other names that find it.</param>
/// <param name="Kind">The kind ("backbone").</param>
/// <param name="Summary">The class's documentation summary.</param>
/// <param name="ComponentType">The C# name of the component class.</param>
/// <param name="ConfigType">The C# name of its config class.</param>
/// <param name="KindType">The C# name of the kind's base class.</param>
/// <param name="BaseName">The registry name of the component it derives from, if any.</param>
/// <param name="Override">Whether it was declared to replace an earlier registration of its name.</param>
/// <param name="Origin">Who registered it ("built-in", a plugin's name).</param>
/// <param name="AssemblyName">Its assembly's simple name.</param>
/// <param name="AssemblyVersion">Its assembly's version.</param>
/// <param name="AssemblyPath">Its assembly's file, when it has one.</param>
/// <param name="Replaces">The registrations it overrode, the most recent first.</param>
/// <param name="Parameters">Its config members, inherited ones first.</param>
public sealed record ComponentDescription(
    string Name,
    IReadOnlyList<string> Aliases,
    string Kind,
    string? Summary,
    string ComponentType,
    string ConfigType,
    string KindType,
    string? BaseName,
    bool Override,
    string Origin,
    string AssemblyName,
    string? AssemblyVersion,
    string? AssemblyPath,
    IReadOnlyList<ReplacedComponent> Replaces,
    IReadOnlyList<ParameterDescription> Parameters);
