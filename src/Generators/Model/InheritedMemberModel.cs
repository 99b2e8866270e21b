namespace ImageClassifier.Generators.Model;

/// <summary>A member a derived config inherits from its base component's config.</summary>
internal sealed record InheritedMemberModel
{
    /// <summary>The C# property ("Depth").</summary>
    public required string PropertyName { get; init; }

    /// <summary>The JSON name ("depth").</summary>
    public required string JsonName { get; init; }

    /// <summary>The non-nullable item type of an array, else of the type.</summary>
    public required string ScalarTypeName { get; init; }

    /// <summary>The item type of an array member; null for other members.</summary>
    public string? ElementTypeName { get; init; }

    /// <summary>Whether the property is declared <c>required</c>.</summary>
    public required bool Required { get; init; }
}
