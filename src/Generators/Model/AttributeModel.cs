namespace ImageClassifier.Generators.Model;

/// <summary>An attribute application to copy into generated code (a constraint on a config member).</summary>
internal sealed record AttributeModel
{
    /// <summary>The attribute class, fully qualified.</summary>
    public required string TypeName { get; init; }

    public required EquatableArray<ConstantModel> Arguments { get; init; }

    public required EquatableArray<NamedArgumentModel> NamedArguments { get; init; }
}

/// <summary>A named attribute argument (<c>MinimumExclusive = true</c>).</summary>
internal sealed record NamedArgumentModel
{
    public required string Name { get; init; }

    public required ConstantModel Value { get; init; }
}
