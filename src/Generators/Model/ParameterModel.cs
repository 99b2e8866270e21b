namespace ImageClassifier.Generators.Model;

/// <summary>How a constructor parameter travels through a config.</summary>
internal enum ParameterShape
{
    /// <summary>No config can hold it (ICG007).</summary>
    Unsupported,

    /// <summary>bool, a number, string or enum, or a nullable one: kept as it is.</summary>
    Value,

    /// <summary>An array of values.</summary>
    ValueArray,

    /// <summary>A component kind base (Loss): the member is its config, built by Build.</summary>
    Component,

    /// <summary>An array of a component kind base: an array of configs.</summary>
    ComponentArray,

    /// <summary>A config type (norm_cfg): passed through as it is.</summary>
    Config,

    /// <summary>A class that names its own <c>[JsonConverter]</c> (a number or a list): passed through as it is.</summary>
    Converted,
}

/// <summary>One constructor parameter, i.e. one config member.</summary>
internal sealed record ParameterModel
{
    /// <summary>The C# parameter name, unescaped ("outIndices", "base").</summary>
    public required string Name { get; init; }

    /// <summary>The config property ("OutIndices").</summary>
    public required string PropertyName { get; init; }

    /// <summary>The JSON name ("out_indices").</summary>
    public required string JsonName { get; init; }

    public required ParameterShape Shape { get; init; }

    /// <summary>
    /// The parameter type, fully qualified with nullable annotations ("int[]?"); for a component
    /// parameter, the kind base ("global::ImageClassifier.Loss").
    /// </summary>
    public required string TypeName { get; init; }

    /// <summary>The type for <c>typeof</c>: without nullable reference annotations.</summary>
    public required string TypeOfName { get; init; }

    /// <summary>The item type of an array ("int?"), else the type itself.</summary>
    public required string ElementTypeName { get; init; }

    /// <summary>The non-nullable item type ("int"), which constants are converted to.</summary>
    public required string ScalarTypeName { get; init; }

    /// <summary>The enum type of an enum or nullable-enum member, for its JSON converter.</summary>
    public string? EnumTypeName { get; init; }

    /// <summary>Whether the member may hold null.</summary>
    public required bool IsNullable { get; init; }

    /// <summary>The kind's name of a component parameter ("loss").</summary>
    public string? KindName { get; init; }

    /// <summary>How a listing shows the type ("int[]", "string?", "loss config").</summary>
    public required string TypeDisplay { get; init; }

    /// <summary>Whether a config must set it (no C# default).</summary>
    public required bool Required { get; init; }

    /// <summary>The default (the [DefaultItems] array for an array parameter); null when required.</summary>
    public ConstantModel? Default { get; init; }

    /// <summary>The parameter's XML doc text.</summary>
    public string? Doc { get; init; }

    /// <summary>The constraint attributes declared on the parameter.</summary>
    public required EquatableArray<AttributeModel> Constraints { get; init; }
}
