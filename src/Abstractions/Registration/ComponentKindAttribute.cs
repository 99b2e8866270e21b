namespace ImageClassifier;

/// <summary>
/// Declares an abstract class as the base of a component kind ("backbone", "neck", ...).
/// Every <see cref="RegisterModelAttribute"/> class derives from exactly one such base; a plugin
/// declares a new kind with this attribute alone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class ComponentKindAttribute(string name) : Attribute
{
    /// <summary>The kind's name, lower-case as in configs and listings.</summary>
    public string Name { get; } = name;
}
