using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// Writes the JSON Schema (draft 2020-12) of run configs: the top-level sections, and under
/// <c>$defs</c> one entry per kind (<c>kind:backbone</c>, a <c>oneOf</c> over its components) and
/// one per component (<c>backbone:ResNet</c>, its members with JSON types, enums, defaults, docs and
/// constraints, <c>additionalProperties: false</c>).
/// </summary>
/// <remarks>
/// The schema describes merged configs. A file that inherits with <c>_base_</c> may set only part of
/// a component, which the schema then reports as missing "type" or required members: the binder
/// checks the merged result, the schema each file alone.
/// </remarks>
internal sealed class ConfigSchemaWriter(ComponentTypeMap map, JsonSerializerOptions options, ValueDescriber describer, string modelKind)
{
    /// <summary>The meta-schema the output declares.</summary>
    public const string MetaSchema = "https://json-schema.org/draft/2020-12/schema";

    private readonly SortedDictionary<string, JsonNode> definitions = new(StringComparer.Ordinal);
    private readonly NullabilityInfoContext nullabilityContext = new();

    /// <summary>The <c>$defs</c> key of a kind.</summary>
    public static string KindKey(string kind) => $"kind:{kind}";

    /// <summary>The <c>$defs</c> key of a component.</summary>
    public static string ComponentKey(ComponentRegistration registration) => $"{registration.Kind}:{registration.Name}";

    public JsonObject Write()
    {
        foreach (var kind in map.Kinds.Keys.Order(StringComparer.Ordinal))
        {
            definitions[KindKey(kind)] = KindSchema(kind);
        }

        foreach (var registration in map.Registrations.Where(ComponentTypeMap.IsBindable))
        {
            definitions[ComponentKey(registration)] = ComponentSchema(registration);
        }

        var properties = new JsonObject
        {
            [ConfigKeys.Base] = new JsonObject
            {
                ["description"] = "Configs to inherit, relative to this file; this file's members are merged onto theirs.",
                ["oneOf"] = new JsonArray(
                    new JsonObject { ["type"] = "string" },
                    new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }),
            },
        };
        foreach (var section in RunConfigSection.All)
        {
            var schema = section.Key == RunConfigSection.ModelKey ? ModelSchema() : new JsonObject { ["type"] = JsonTypes(section.Kinds) };
            schema["description"] = section.Description;
            properties[section.Key] = schema;
        }

        var defs = new JsonObject();
        foreach (var (key, schema) in definitions)
        {
            defs[key] = schema;
        }

        return new JsonObject
        {
            ["$schema"] = MetaSchema,
            ["title"] = "ImageClassifier run config",
            ["description"] = "A config for icls (mmpretrain's layout): \"model\" picks registered components by \"type\"; the other sections configure data, optimisation, loops and the environment.",
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
            ["$defs"] = defs,
        };
    }

    private JsonObject ModelSchema()
    {
        if (map.Kinds.ContainsKey(modelKind))
        {
            return Reference(KindKey(modelKind));
        }

        // The catalog does not know the model kind: a component of any kind may stand there.
        return new JsonObject { ["anyOf"] = new JsonArray(map.Kinds.Keys.Order(StringComparer.Ordinal).Select(kind => (JsonNode)Reference(KindKey(kind))).ToArray()) };
    }

    private JsonObject KindSchema(string kind)
    {
        var components = map.InKind(kind).Where(ComponentTypeMap.IsBindable).ToArray();
        var schema = new JsonObject { ["description"] = $"{CatalogText.WithArticle(kind)} config: \"type\" names a registered {kind}, the other members are its parameters." };
        if (components.Length == 0)
        {
            schema["description"] = $"{CatalogText.WithArticle(kind)} config; no {kind} is registered.";
            schema["not"] = new JsonObject();
            return schema;
        }

        schema["type"] = "object";
        if (map.KindDefault(map.Kinds[kind]) is null)
        {
            schema["required"] = new JsonArray(ConfigBinder.TypeKey);
        }

        schema["oneOf"] = new JsonArray(components.Select(component => (JsonNode)Reference(ComponentKey(component))).ToArray());
        return schema;
    }

    private JsonObject ComponentSchema(ComponentRegistration registration)
    {
        var descriptor = registration.Descriptor;
        var names = new[] { registration.Name }.Concat(registration.Aliases).ToArray();
        var typeSchema = names.Length == 1
            ? new JsonObject { ["const"] = registration.Name }
            : new JsonObject { ["enum"] = new JsonArray(names.Select(name => (JsonNode)JsonValue.Create(name)).ToArray()) };
        typeSchema["description"] = $"The {registration.Kind} '{registration.Name}' ({TypeNames.Format(descriptor.ComponentType)}).";

        var properties = new JsonObject { [ConfigBinder.TypeKey] = typeSchema, [ConfigKeys.Delete] = DeleteSchema() };
        // The kind's default component is the one a config without "type" stands for.
        var required = map.Kinds.TryGetValue(registration.Kind, out var kindType) && map.KindDefault(kindType) == registration
            ? new JsonArray()
            : new JsonArray(ConfigBinder.TypeKey);
        foreach (var property in ConfigMembers.Of(options.GetTypeInfo(descriptor.ConfigType)).OrderBy(property => property.Order))
        {
            var parameter = descriptor.Parameters.FirstOrDefault(candidate => candidate.JsonName == property.Name);
            properties[property.Name] = MemberSchema(property, parameter);
            if (property.IsRequired)
            {
                required.Add(property.Name);
            }
        }

        var schema = new JsonObject { ["title"] = registration.Name };
        if (!string.IsNullOrWhiteSpace(descriptor.Summary))
        {
            schema["description"] = descriptor.Summary;
        }

        schema["type"] = "object";
        schema["properties"] = properties;
        schema["required"] = required;
        schema["additionalProperties"] = false;
        return schema;
    }

    private JsonObject MemberSchema(JsonPropertyInfo property, ParameterDescriptor? parameter)
    {
        var slot = ValueSlot.ForProperty(property, nullabilityContext, parameter);
        var constraints = parameter?.Constraints
            ?? (property.AttributeProvider as MemberInfo)?.GetCustomAttributes<ConstraintAttribute>().ToArray()
            ?? [];
        var schema = ValueSchema(slot, constraints);
        if (parameter?.Doc is { Length: > 0 } doc)
        {
            schema["description"] = doc;
        }

        if (parameter is { Required: false, DefaultJson: { } defaultJson } && TryParse(defaultJson) is var defaultValue && defaultValue.Parsed)
        {
            schema["default"] = defaultValue.Value;
        }

        return schema;
    }

    private JsonObject ValueSchema(ValueSlot slot, IReadOnlyList<ConstraintAttribute> constraints)
    {
        var type = Nullable.GetUnderlyingType(slot.Type) ?? slot.Type;
        if (ValueDescriber.AcceptsAnything(type))
        {
            return [];
        }

        JsonObject schema;
        if (map.TryGetPosition(type, out var position))
        {
            schema = PositionSchema(position);
        }
        else if (type.IsEnum)
        {
            schema = describer.EnumNames(type, slot.ConverterType) is { } names
                ? new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(names.Select(name => (JsonNode)JsonValue.Create(name)).ToArray()) }
                : new JsonObject { ["type"] = "integer" };
        }
        else if (type == typeof(string))
        {
            schema = Constrained(new JsonObject { ["type"] = "string" }, constraints);
        }
        else if (type == typeof(char))
        {
            schema = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 1 };
        }
        else if (type == typeof(bool))
        {
            schema = new JsonObject { ["type"] = "boolean" };
        }
        else if (ValueDescriber.IsInteger(type))
        {
            schema = new JsonObject { ["type"] = "integer" };
            if (type != typeof(int) && type != typeof(long))
            {
                var (minimum, maximum) = ValueDescriber.IntegerRange(type);
                schema["minimum"] = JsonNode.Parse(minimum.ToString(System.Globalization.CultureInfo.InvariantCulture));
                schema["maximum"] = JsonNode.Parse(maximum.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            schema = Constrained(schema, constraints);
        }
        else if (ValueDescriber.IsFloatingPoint(type))
        {
            schema = Constrained(new JsonObject { ["type"] = "number" }, constraints);
        }
        else if (slot.ConverterType is not null || type.GetCustomAttribute<JsonConverterAttribute>() is not null)
        {
            // A converter of its own decides what it reads.
            return [];
        }
        else
        {
            var info = options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Enumerable when info.ElementType is { } itemType:
                    // Constraints on a list hold for each item; a single item stands for a list of one, as the binder reads it.
                    var itemSchema = ValueSchema(slot.ItemSlot(itemType), constraints);
                    schema = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "array", ["items"] = itemSchema }, itemSchema.DeepClone()) };
                    break;
                case JsonTypeInfoKind.Dictionary when info.ElementType is { } valueType:
                    schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = ValueSchema(slot.ItemSlot(valueType), []) };
                    break;
                case JsonTypeInfoKind.Object:
                    schema = Reference(ObjectKey(type, info));
                    break;
                default:
                    return [];
            }
        }

        return slot.AllowsNull ? OrNull(schema) : schema;
    }

    private JsonObject PositionSchema(ComponentPosition position)
    {
        if (position.Kind is { } kind && position.DeclaredType.IsGenericType && map.Kinds.ContainsKey(kind))
        {
            return Reference(KindKey(kind));
        }

        var candidates = map.Candidates(position).Select(candidate => (JsonNode)Reference(ComponentKey(candidate))).ToArray();
        return candidates.Length == 0
            ? new JsonObject { ["not"] = new JsonObject() }
            : new JsonObject { ["oneOf"] = new JsonArray(candidates) };
    }

    /// <summary>The <c>$defs</c> key of a plain object type, defined on first use.</summary>
    private string ObjectKey(Type type, JsonTypeInfo info)
    {
        var key = $"object:{type.FullName ?? type.Name}";
        if (definitions.ContainsKey(key))
        {
            return key;
        }

        // Reserved first, so that a type that contains itself refers to its own entry.
        var properties = new JsonObject { [ConfigKeys.Delete] = DeleteSchema() };
        var schema = new JsonObject { ["title"] = type.Name, ["type"] = "object", ["properties"] = properties };
        definitions[key] = schema;
        var required = new JsonArray();
        foreach (var property in ConfigMembers.Of(info).OrderBy(property => property.Order))
        {
            properties[property.Name] = MemberSchema(property, parameter: null);
            if (property.IsRequired)
            {
                required.Add(property.Name);
            }
        }

        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        schema["additionalProperties"] = false;
        return key;
    }

    private static JsonObject Constrained(JsonObject schema, IReadOnlyList<ConstraintAttribute> constraints)
    {
        var comments = new List<string>();
        foreach (var constraint in constraints)
        {
            switch (constraint)
            {
                case ValueRangeAttribute range:
                    if (!double.IsNegativeInfinity(range.Minimum))
                    {
                        schema[range.MinimumExclusive ? "exclusiveMinimum" : "minimum"] = Number(range.Minimum);
                    }

                    if (!double.IsPositiveInfinity(range.Maximum))
                    {
                        schema[range.MaximumExclusive ? "exclusiveMaximum" : "maximum"] = Number(range.Maximum);
                    }

                    break;
                case OneOfAttribute oneOf:
                    schema["enum"] = new JsonArray(oneOf.Values.Select(value => JsonSerializer.SerializeToNode(value)).ToArray());
                    break;
                default:
                    comments.Add($"must be {constraint.Expectation}");
                    break;
            }
        }

        if (comments.Count > 0)
        {
            schema["$comment"] = string.Join("; ", comments);
        }

        return schema;
    }

    private static JsonObject OrNull(JsonObject schema)
    {
        if (schema["enum"] is JsonArray values)
        {
            values.Add((JsonNode?)null);
        }

        if (schema["type"] is JsonValue type && type.TryGetValue<string>(out var name))
        {
            schema["type"] = new JsonArray(name, "null");
            return schema;
        }

        if (schema["anyOf"] is JsonArray alternatives)
        {
            alternatives.Add(new JsonObject { ["type"] = "null" });
            return schema;
        }

        return new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
    }

    private static JsonNode JsonTypes(IReadOnlyList<ConfigNodeKind> kinds)
    {
        var names = kinds.Select(kind => kind switch
        {
            ConfigNodeKind.Object => "object",
            ConfigNodeKind.Array => "array",
            ConfigNodeKind.String => "string",
            ConfigNodeKind.Number => "number",
            ConfigNodeKind.Boolean => "boolean",
            _ => "null",
        }).ToArray();
        return names.Length == 1 ? JsonValue.Create(names[0]) : new JsonArray(names.Select(name => (JsonNode)JsonValue.Create(name)).ToArray());
    }

    private static JsonObject Reference(string key) => new() { ["$ref"] = $"#/$defs/{key}" };

    private static JsonObject DeleteSchema() => new()
    {
        ["type"] = "boolean",
        ["description"] = "true replaces the inherited object instead of merging into it.",
    };

    // Whole numbers are written without a fraction ("minimum": 1, not 1.0); parsed from text, the
    // node reads back as any numeric type.
    private static JsonNode Number(double value) => JsonNode.Parse(
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture))!;

    private static (bool Parsed, JsonNode? Value) TryParse(string json)
    {
        try
        {
            return (true, JsonNode.Parse(json));
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }
}
