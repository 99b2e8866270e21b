using System.Collections.Immutable;
using ImageClassifier.Shared.Json;
using Microsoft.CodeAnalysis.Text;

namespace ImageClassifier.Generators.Json;

/// <summary>Makes the analyzer's <see cref="JsonValue"/> tree, each value with the span it covers, as the shared reader reads it.</summary>
internal sealed class JsonValueBuilder : IJsonTreeBuilder<JsonValue, JsonMember>
{
    public static JsonValueBuilder Instance { get; } = new();

    public JsonValue Object(ImmutableArray<JsonMember> members, JsonPosition start, int end) => new JsonObject(Span(start, end), members);

    public JsonValue Array(ImmutableArray<JsonValue> items, JsonPosition start, int end) => new JsonArray(Span(start, end), items);

    public JsonValue String(string value, JsonPosition start, int end) => new JsonString(Span(start, end), value);

    public JsonValue Number(string literal, JsonPosition start, int end) => new JsonNumber(Span(start, end), literal);

    public JsonValue Boolean(bool value, JsonPosition start, int end) => new JsonBoolean(Span(start, end), value);

    public JsonValue Null(JsonPosition start, int end) => new JsonNull(Span(start, end));

    public JsonMember Member(string name, JsonPosition nameStart, int nameEnd, JsonValue value) => new(name, Span(nameStart, nameEnd), value);

    private static TextSpan Span(JsonPosition start, int end) => TextSpan.FromBounds(start.Offset, end);
}
