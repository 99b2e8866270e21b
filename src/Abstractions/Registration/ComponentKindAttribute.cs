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

    /// <summary>
    /// The registered name a config of this kind stands for when it leaves out "type", as
    /// mmpretrain's classifiers take a <c>data_preprocessor</c> without one for a
    /// <c>ClsDataPreprocessor</c>; null when "type" is required.
    /// </summary>
    public string? DefaultType { get; init; }
}
