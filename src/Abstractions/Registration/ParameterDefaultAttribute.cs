namespace ImageClassifier;

/// <summary>
/// Changes the default of a parameter that a derived component inherits from its base
/// component's config, e.g. <c>[ParameterDefault(nameof(ResNetConfig.Depth), 18)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class ParameterDefaultAttribute(string member, object? value) : Attribute
{
    /// <summary>The C# name of the inherited config member.</summary>
    public string Member { get; } = member;

    /// <summary>The new default.</summary>
    public object? Value { get; } = value;
}
