namespace ImageClassifier.Generators.Model;

/// <summary>What a constant is; the emitter writes it as C# or JSON from this.</summary>
internal enum ConstantKind
{
    Null,
    Bool,
    Char,
    String,
    Number,
    Enum,
    Type,
    Array,
}

/// <summary>
/// A compile-time constant (a parameter default, an attribute argument) as plain data.
/// Remark: models stay immutable and structurally equal, so the pipeline can cache them.
/// </summary>
internal sealed record ConstantModel
{
    public required ConstantKind Kind { get; init; }

    /// <summary>
    /// The constant's type, fully qualified ("int", "global::ImageClassifier.Reduction"); for an
    /// array the element type ("object").
    /// </summary>
    public required string TypeName { get; init; }

    /// <summary>
    /// The value in invariant text: the number, the string, "true", an enum's underlying value,
    /// or the fully qualified name of a typeof; null for null and arrays.
    /// </summary>
    public string? Value { get; init; }

    /// <summary>The enum member that has the value, when one has.</summary>
    public string? EnumMember { get; init; }

    /// <summary>An array's items.</summary>
    public EquatableArray<ConstantModel> Items { get; init; }

    public static ConstantModel Null { get; } = new() { Kind = ConstantKind.Null, TypeName = "object" };
}
