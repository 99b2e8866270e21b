namespace ImageClassifier;

/// <summary>One member of a component's config, i.e. one constructor parameter.</summary>
public sealed class ParameterDescriptor
{
    /// <summary>The config member's C# name ("OutIndices").</summary>
    public required string Name { get; init; }

    /// <summary>The JSON name ("out_indices").</summary>
    public required string JsonName { get; init; }

    /// <summary>The config member's type.</summary>
    public required Type Type { get; init; }

    /// <summary>The type as a C# author reads it ("int[]", "Loss config").</summary>
    public required string TypeDisplay { get; init; }

    /// <summary>The kind of a nested component parameter ("loss"), else null.</summary>
    public string? ComponentKind { get; init; }

    /// <summary>Whether a config must set it.</summary>
    public bool Required { get; init; }

    /// <summary>The default as JSON ("50", "[3]", "\"pytorch\"", "null"); null when required.</summary>
    public string? DefaultJson { get; init; }

    /// <summary>The parameter's XML doc text.</summary>
    public string? Doc { get; init; }

    /// <summary>Constraints on the value, or on each item of an array.</summary>
    public IReadOnlyList<ConstraintAttribute> Constraints { get; init; } = [];

    /// <summary>The registry name of the base component that declares it; null for own parameters.</summary>
    public string? DeclaredBy { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{JsonName}: {TypeDisplay}";
}
