using System.Collections.Concurrent;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Words for what a config value must be ("an integer", "a list of integers", "one of \"none\",
/// \"mean\", \"sum\"", "a backbone config (an object with \"type\")") and for what was found.
/// </summary>
internal sealed class ValueDescriber(ComponentTypeMap map, JsonSerializerOptions options)
{
    private static readonly JsonSerializerOptions QuotingOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<Type, (BigInteger Minimum, BigInteger Maximum)> IntegerRanges = new()
    {
        [typeof(sbyte)] = (sbyte.MinValue, sbyte.MaxValue),
        [typeof(byte)] = (byte.MinValue, byte.MaxValue),
        [typeof(short)] = (short.MinValue, short.MaxValue),
        [typeof(ushort)] = (ushort.MinValue, ushort.MaxValue),
        [typeof(int)] = (int.MinValue, int.MaxValue),
        [typeof(uint)] = (uint.MinValue, uint.MaxValue),
        [typeof(long)] = (long.MinValue, long.MaxValue),
        [typeof(ulong)] = (ulong.MinValue, ulong.MaxValue),
    };

    private readonly ConcurrentDictionary<(Type Enum, Type? Converter), IReadOnlyList<string>?> enumNames = new();

    /// <summary>Whether the type is read from a JSON integer.</summary>
    public static bool IsInteger(Type type) => IntegerRanges.ContainsKey(type);

    /// <summary>Whether the type is read from any JSON number.</summary>
    public static bool IsFloatingPoint(Type type) => type == typeof(double) || type == typeof(float) || type == typeof(decimal) || type == typeof(Half);

    /// <summary>The smallest and largest value of an integer type.</summary>
    public static (BigInteger Minimum, BigInteger Maximum) IntegerRange(Type type) => IntegerRanges[type];

    /// <summary>Types whose value may be any JSON.</summary>
    public static bool AcceptsAnything(Type type) =>
        type == typeof(object) || type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonDocument);

    /// <summary>
    /// The names an enum is written with where it stands (its member's or its own converter decides),
    /// in declaration order; null when it is written as a number.
    /// </summary>
    public IReadOnlyList<string>? EnumNames(Type enumType, Type? converterType) =>
        enumNames.GetOrAdd((enumType, converterType), static key =>
        {
            var trial = new JsonSerializerOptions();
            if (key.Converter is not null && Activator.CreateInstance(key.Converter) is JsonConverter converter)
            {
                trial.Converters.Add(converter);
            }

            var names = new List<string>();
            foreach (var value in Enum.GetValues(key.Enum))
            {
                var text = JsonSerializer.Serialize(value, key.Enum, trial);
                if (!text.StartsWith('"'))
                {
                    return null;
                }

                var name = JsonSerializer.Deserialize<string>(text)!;
                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }

            return names;
        });

    /// <summary>What a value in <paramref name="slot"/> must be, "or null" included.</summary>
    public string Expected(ValueSlot slot)
    {
        var type = Nullable.GetUnderlyingType(slot.Type) ?? slot.Type;
        var text = Expected(type, slot.ConverterType);
        return slot.AllowsNull && !AcceptsAnything(type) ? text + " or null" : text;
    }

    /// <summary>What a component config in <paramref name="position"/> must be.</summary>
    public string Expected(ComponentPosition position) => $"{ComponentNoun(position, plural: false)} (an object with \"type\")";

    /// <summary>What a value of <paramref name="type"/> (not null) must be.</summary>
    public string Expected(Type type, Type? converterType)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (map.TryGetPosition(type, out var position))
        {
            return Expected(position);
        }

        if (type.IsEnum)
        {
            return EnumNames(type, converterType) is { } names
                ? $"one of {string.Join(", ", names.Select(Quote))}"
                : $"an integer ({type.Name})";
        }

        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(char) => "a string of one character",
            _ when IsInteger(type) => "an integer",
            _ when IsFloatingPoint(type) => "a number",
            _ when AcceptsAnything(type) => "any JSON value",
            _ => Structured(type),
        };
    }

    /// <summary>The value found, for "but found ...": <c>the string "50"</c>, <c>the number 1.5</c>, <c>true</c>, <c>a list</c>.</summary>
    public static string Found(ConfigNode node) => node switch
    {
        ConfigString text => $"the string {Quote(Shorten(text.Value))}",
        ConfigNumber number => $"the number {Shorten(number.Literal)}",
        ConfigBoolean flag => flag.Value ? "true" : "false",
        ConfigNull => "null",
        ConfigArray => "a list",
        _ => "an object",
    };

    /// <summary>A string as JSON writes it, double quotes and escapes included.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, QuotingOptions);

    /// <summary>"a backbone config", "a ResNet config", "backbone configs".</summary>
    public string ComponentNoun(ComponentPosition position, bool plural)
    {
        var noun = position switch
        {
            { Default: { } own } => $"{own.Name} config",
            { Kind: { } kind } => $"{kind} config",
            _ => "component config",
        };
        return plural ? noun + "s" : CatalogText.WithArticle(noun);
    }

    private string Structured(Type type)
    {
        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable when info.ElementType is { } item => $"a list of {Plural(item)}",
            JsonTypeInfoKind.Dictionary => "an object",
            JsonTypeInfoKind.Object => "an object",
            _ => $"a {type.Name} value",
        };
    }

    private string Plural(Type itemType)
    {
        var type = Nullable.GetUnderlyingType(itemType) ?? itemType;
        if (map.TryGetPosition(type, out var position))
        {
            return $"{ComponentNoun(position, plural: true)} (objects with \"type\")";
        }

        if (type.IsEnum)
        {
            return EnumNames(type, null) is { } names
                ? $"strings, each one of {string.Join(", ", names.Select(Quote))}"
                : "integers";
        }

        return type switch
        {
            _ when type == typeof(string) => "strings",
            _ when type == typeof(bool) => "booleans",
            _ when type == typeof(char) => "one-character strings",
            _ when IsInteger(type) => "integers",
            _ when IsFloatingPoint(type) => "numbers",
            _ when AcceptsAnything(type) => "JSON values",
            _ => options.GetTypeInfo(type).Kind switch
            {
                JsonTypeInfoKind.Enumerable => "lists",
                JsonTypeInfoKind.None => $"{type.Name} values",
                _ => "objects",
            },
        };
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
