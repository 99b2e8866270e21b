using System.Collections.Concurrent;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Words for what a config value must be ("an integer", "a list of integers", "one of \"none\",
/// \"mean\", \"sum\"", "a backbone config (an object with \"type\")") and for what was found.
/// </summary>
internal sealed class ValueDescriber(ComponentTypeMap map, JsonSerializerOptions options)
{
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
    public string Expected(ValueSlot slot) => Shape(slot.Type, slot.ConverterType, slot.AllowsNull).Describe();

    /// <summary>What a component config in <paramref name="position"/> must be.</summary>
    public static string Expected(ComponentPosition position, bool allowsNull) => ExpectedValue.Component(Noun(position), allowsNull).Describe();

    /// <summary>What a value of <paramref name="type"/> must be, in the words the analyzer shares.</summary>
    public ExpectedValue Shape(Type type, Type? converterType, bool allowsNull)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (map.TryGetPosition(type, out var position))
        {
            return ExpectedValue.Component(Noun(position), allowsNull);
        }

        if (type.IsEnum)
        {
            return EnumNames(type, converterType) is { } names
                ? ExpectedValue.OneOf(names, allowsNull)
                : ExpectedValue.IntegerFor(type.Name, allowsNull);
        }

        var kind = type switch
        {
            _ when type == typeof(string) => ExpectedValueKind.String,
            _ when type == typeof(bool) => ExpectedValueKind.Boolean,
            _ when type == typeof(char) => ExpectedValueKind.Character,
            _ when IsInteger(type) => ExpectedValueKind.Integer,
            _ when IsFloatingPoint(type) => ExpectedValueKind.Number,
            _ when AcceptsAnything(type) => ExpectedValueKind.Any,
            _ => (ExpectedValueKind?)null,
        };
        if (kind is { } simple)
        {
            return simple == ExpectedValueKind.Any ? ExpectedValue.Any : ExpectedValue.Of(simple, allowsNull);
        }

        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable when info.ElementType is { } item => ExpectedValue.ListOf(Shape(item, null, allowsNull: false), allowsNull),
            JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Object => ExpectedValue.Of(ExpectedValueKind.Object, allowsNull),
            _ => ExpectedValue.Other(type.Name, allowsNull),
        };
    }

    /// <summary>The JSON kind of <paramref name="node"/> in the words of <see cref="ExpectedValueKind"/>.</summary>
    public static ExpectedValueKind KindOf(ConfigNode node) => node switch
    {
        ConfigObject => ExpectedValueKind.Object,
        ConfigArray => ExpectedValueKind.List,
        ConfigString => ExpectedValueKind.String,
        ConfigNumber => ExpectedValueKind.Number,
        ConfigBoolean => ExpectedValueKind.Boolean,
        _ => ExpectedValueKind.Any,
    };

    /// <summary>The value found, for "but found ...": <c>the string "50"</c>, <c>the number 1.5</c>, <c>true</c>, <c>a list</c>.</summary>
    public static string Found(ConfigNode node) => node switch
    {
        ConfigString text => ConfigMessages.FoundString(text.Value),
        ConfigNumber number => ConfigMessages.FoundNumber(number.Literal),
        ConfigBoolean flag => ConfigMessages.FoundBoolean(flag.Value),
        ConfigNull => ConfigMessages.FoundNull,
        ConfigArray => ConfigMessages.FoundList,
        _ => ConfigMessages.FoundObject,
    };

    /// <summary>"a backbone config", "a ResNet config".</summary>
    public static string ComponentNoun(ComponentPosition position) => MessageText.WithArticle(Noun(position));

    private static string Noun(ComponentPosition position) => position switch
    {
        { Default: { } own } => $"{own.Name} config",
        { Kind: { } kind } => $"{kind} config",
        _ => "component config",
    };
}
