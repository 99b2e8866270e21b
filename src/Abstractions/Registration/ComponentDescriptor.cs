namespace ImageClassifier;

/// <summary>What a registry knows of one component: generated per component by the compiler.</summary>
public sealed class ComponentDescriptor
{
    /// <summary>The registry name ("ResNet_CIFAR").</summary>
    public required string Name { get; init; }

    /// <summary>Other names that find the component.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The kind's name ("backbone"), from the base's <see cref="ComponentKindAttribute"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The kind's base class (<see cref="Backbone"/>, ...).</summary>
    public required Type KindType { get; init; }

    /// <summary>The component class.</summary>
    public required Type ComponentType { get; init; }

    /// <summary>The generated config class; it builds the component.</summary>
    public required Type ConfigType { get; init; }

    /// <summary>The registry name of the component this one derives from, if any.</summary>
    public string? BaseName { get; init; }

    /// <summary>The class's XML doc summary.</summary>
    public string? Summary { get; init; }

    /// <summary>The config's members, inherited ones first.</summary>
    public required IReadOnlyList<ParameterDescriptor> Parameters { get; init; }

    /// <summary>Replaces an earlier registration of the same name instead of clashing with it.</summary>
    public bool Override { get; init; }

    /// <summary>The assembly the component came from.</summary>
    public System.Reflection.Assembly Assembly => ComponentType.Assembly;

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name}";
}
