namespace ImageClassifier;

/// <summary>
/// Points at an assembly's generated <see cref="IComponentProvider"/>, so that a host finds its
/// registrations without scanning the assembly's types.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, Inherited = false, AllowMultiple = false)]
public sealed class ComponentProviderAttribute(Type providerType) : Attribute
{
    /// <summary>The provider type; it has a public parameterless constructor.</summary>
    public Type ProviderType { get; } = providerType;
}
