namespace ImageClassifier.Shared.Text;

/// <summary>
/// What a config value must be where it stands, in the words both the host's binder and the
/// build-time analyzer use: "an integer", "a list of integers or null", "one of \"none\", \"sum\"",
/// "a backbone config (an object with \"type\")". Each side reads its own type model (reflection or
/// Roslyn symbols) into one of these.
/// </summary>
internal sealed class ExpectedValue
{
    private ExpectedValue(ExpectedValueKind kind, bool allowsNull)
    {
        Kind = kind;
        AllowsNull = allowsNull && kind != ExpectedValueKind.Any;
    }

    /// <summary>Any JSON value, null included.</summary>
    public static ExpectedValue Any { get; } = new(ExpectedValueKind.Any, allowsNull: true);

    public ExpectedValueKind Kind { get; }

    public bool AllowsNull { get; }

    /// <summary>The names of a <see cref="ExpectedValueKind.Names"/> value, in declaration order.</summary>
    public IReadOnlyList<string> Names { get; private set; } = [];

    /// <summary>
    /// The type an integer stands for (an enum written as a number), or the type name of an
    /// <see cref="ExpectedValueKind.Other"/> value; null otherwise.
    /// </summary>
    public string? TypeName { get; private set; }

    /// <summary>The noun of a component config without its article: "backbone config", "ResNet config".</summary>
    public string? ComponentNoun { get; private set; }

    /// <summary>What each item of a <see cref="ExpectedValueKind.List"/> must be.</summary>
    public ExpectedValue? Item { get; private set; }

    /// <summary>A value of a kind that needs no more words: boolean, integer, number, string, character, object.</summary>
    public static ExpectedValue Of(ExpectedValueKind kind, bool allowsNull) => new(kind, allowsNull);

    /// <summary>An enum written as a number.</summary>
    public static ExpectedValue IntegerFor(string enumName, bool allowsNull) => new(ExpectedValueKind.Integer, allowsNull) { TypeName = enumName };

    /// <summary>An enum written by name.</summary>
    public static ExpectedValue OneOf(IReadOnlyList<string> names, bool allowsNull) => new(ExpectedValueKind.Names, allowsNull) { Names = names };

    /// <summary>A component config; <paramref name="noun"/> is "backbone config", "ResNet config" or "component config".</summary>
    public static ExpectedValue Component(string noun, bool allowsNull) => new(ExpectedValueKind.Component, allowsNull) { ComponentNoun = noun };

    public static ExpectedValue ListOf(ExpectedValue item, bool allowsNull) => new(ExpectedValueKind.List, allowsNull) { Item = item };

    public static ExpectedValue Other(string typeName, bool allowsNull) => new(ExpectedValueKind.Other, allowsNull) { TypeName = typeName };

    /// <summary>The whole expectation, as "expected ..." continues: "an integer or null".</summary>
    public string Describe() => !AllowsNull ? Singular
        : Kind == ExpectedValueKind.List ? $"{Item!.Singular}, a list of {Item.Plural} or null"
        : Singular + " or null";

    /// <summary>
    /// Whether a single JSON value of <paramref name="found"/> may stand for a list of these: it
    /// is of the item's JSON kind (mmengine takes a single value where it takes a list).
    /// </summary>
    public bool AdmitsSingle(ExpectedValueKind found) => Kind switch
    {
        ExpectedValueKind.Any => true,
        ExpectedValueKind.Integer or ExpectedValueKind.Number => found is ExpectedValueKind.Integer or ExpectedValueKind.Number,
        ExpectedValueKind.String or ExpectedValueKind.Character or ExpectedValueKind.Names => found == ExpectedValueKind.String,
        ExpectedValueKind.Component or ExpectedValueKind.Object => found == ExpectedValueKind.Object,
        ExpectedValueKind.Other => found != ExpectedValueKind.List,
        _ => found == Kind,
    };

    /// <summary>The expectation without "or null".</summary>
    public string Singular => Kind switch
    {
        ExpectedValueKind.Boolean => "true or false",
        ExpectedValueKind.Integer when TypeName is not null => $"an integer ({TypeName})",
        ExpectedValueKind.Integer => "an integer",
        ExpectedValueKind.Number => "a number",
        ExpectedValueKind.String => "a string",
        ExpectedValueKind.Character => "a string of one character",
        ExpectedValueKind.Names => "one of " + string.Join(", ", Names.Select(MessageText.JsonQuote)),
        ExpectedValueKind.Component => $"{MessageText.WithArticle(ComponentNoun!)} (an object with \"type\")",
        ExpectedValueKind.List => $"{Item!.Singular} or a list of {Item.Plural}",
        ExpectedValueKind.Object => "an object",
        ExpectedValueKind.Other => $"a {TypeName} value",
        _ => "any JSON value",
    };

    /// <summary>The items of a list of these: "integers", "backbone configs (objects with \"type\")".</summary>
    public string Plural => Kind switch
    {
        ExpectedValueKind.Boolean => "booleans",
        ExpectedValueKind.Integer => "integers",
        ExpectedValueKind.Number => "numbers",
        ExpectedValueKind.String => "strings",
        ExpectedValueKind.Character => "one-character strings",
        ExpectedValueKind.Names => "strings, each one of " + string.Join(", ", Names.Select(MessageText.JsonQuote)),
        ExpectedValueKind.Component => $"{ComponentNoun}s (objects with \"type\")",
        ExpectedValueKind.List => "lists",
        ExpectedValueKind.Object => "objects",
        ExpectedValueKind.Other => $"{TypeName} values",
        _ => "JSON values",
    };
}
