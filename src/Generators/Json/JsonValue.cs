using System.Collections.Immutable;
using ImageClassifier.Shared.Text;
using Microsoft.CodeAnalysis.Text;

namespace ImageClassifier.Generators.Json;

/// <summary>
/// A value read from a JSON config file, with the span it covers in the file's text (quotes and
/// brackets included), so diagnostics point at exactly what was written.
/// </summary>
internal abstract class JsonValue(TextSpan span)
{
    public TextSpan Span { get; } = span;

    /// <summary>The value as a message names what was found: <c>the string "50"</c>, <c>the number 1.5</c>, <c>a list</c>.</summary>
    public abstract string Describe();

    /// <summary>The JSON kind with its article, as the loader's messages name it: <c>an array</c>, <c>a number</c>.</summary>
    public abstract string KindDescription { get; }

    /// <summary>The value's JSON kind in the words of <see cref="ExpectedValueKind"/>.</summary>
    public abstract ExpectedValueKind ExpectedKind { get; }
}

/// <summary>A member of an object: its name, where the name is written (quotes included) and its value.</summary>
internal sealed class JsonMember(string name, TextSpan nameSpan, JsonValue value)
{
    public string Name { get; } = name;

    public TextSpan NameSpan { get; } = nameSpan;

    public JsonValue Value { get; } = value;
}

/// <summary><c>{ ... }</c>; member names are unique (the reader refuses a repeated one).</summary>
internal sealed class JsonObject(TextSpan span, ImmutableArray<JsonMember> members) : JsonValue(span)
{
    public ImmutableArray<JsonMember> Members { get; } = members;

    public JsonMember? Find(string name)
    {
        foreach (var member in Members)
        {
            if (member.Name == name)
            {
                return member;
            }
        }

        return null;
    }

    public override string Describe() => ConfigMessages.FoundObject;

    public override string KindDescription => ConfigMessages.KindObject;

    public override ExpectedValueKind ExpectedKind => ExpectedValueKind.Object;
}

/// <summary><c>[ ... ]</c>.</summary>
internal sealed class JsonArray(TextSpan span, ImmutableArray<JsonValue> items) : JsonValue(span)
{
    public ImmutableArray<JsonValue> Items { get; } = items;

    public override string Describe() => ConfigMessages.FoundList;

    public override string KindDescription => ConfigMessages.KindArray;

    public override ExpectedValueKind ExpectedKind => ExpectedValueKind.List;
}

/// <summary>A string, escapes resolved.</summary>
internal sealed class JsonString(TextSpan span, string value) : JsonValue(span)
{
    public string Value { get; } = value;

    public override string Describe() => ConfigMessages.FoundString(Value);

    public override string KindDescription => ConfigMessages.KindString;

    public override ExpectedValueKind ExpectedKind => ExpectedValueKind.String;
}

/// <summary>A number, kept as written so that no precision is lost before the member's type is known.</summary>
internal sealed class JsonNumber(TextSpan span, string literal) : JsonValue(span)
{
    public string Literal { get; } = literal;

    /// <summary>Written without fraction or exponent, as an integer member requires.</summary>
    public bool IsInteger => Literal.IndexOfAny(['.', 'e', 'E']) < 0;

    public override string Describe() => ConfigMessages.FoundNumber(Literal);

    public override string KindDescription => ConfigMessages.KindNumber;

    public override ExpectedValueKind ExpectedKind => ExpectedValueKind.Number;
}

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed class JsonBoolean(TextSpan span, bool value) : JsonValue(span)
{
    public bool Value { get; } = value;

    public override string Describe() => ConfigMessages.FoundBoolean(Value);

    public override string KindDescription => ConfigMessages.KindBoolean;

    public override ExpectedValueKind ExpectedKind => ExpectedValueKind.Boolean;
}

/// <summary><c>null</c>.</summary>
internal sealed class JsonNull(TextSpan span) : JsonValue(span)
{
    public override string Describe() => ConfigMessages.FoundNull;

    public override string KindDescription => ConfigMessages.KindNull;

    public override ExpectedValueKind ExpectedKind => ExpectedValueKind.Any;
}
