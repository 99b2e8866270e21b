namespace ImageClassifier;

/// <summary>
/// Marks the constructor whose parameters form a component's config when it has several public
/// constructors.
/// </summary>
[AttributeUsage(AttributeTargets.Constructor, Inherited = false, AllowMultiple = false)]
public sealed class ComponentConstructorAttribute : Attribute
{
}
