using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ImageClassifier.Data.Transforms;

/// <summary>
/// Reads <see cref="AugmentPolicies"/> from a JSON string, a list of transform configs or a list of
/// lists of them (each config bound through the serializer's own options, so "type" picks the
/// transform and unknown keys are refused), and writes it back in the form it was read.
/// </summary>
internal sealed class AugmentPoliciesConverter : JsonConverter<AugmentPolicies>
{
    private const string Expected = "a preset's name, a list of transform configs or a list of lists of them";
    private const string TypeKey = "type";

    public override AugmentPolicies Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return AugmentPolicies.Named(reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw ConfigJson.Mismatch(Expected, ref reader);
        }

        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return AugmentPolicies.Of([.. ReadConfigs(ref reader, options, string.Empty)]);
        }

        var subPolicies = new List<ComponentConfig<Transform>[]>();
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw ConfigJson.Mismatch($"a sub-policy (a list of transform configs) at [{subPolicies.Count}], as the first item is", ref reader);
            }

            reader.Read();
            subPolicies.Add([.. ReadConfigs(ref reader, options, $"[{subPolicies.Count}]")]);
            reader.Read();
        }

        return AugmentPolicies.OfSubPolicies([.. subPolicies]);
    }

    public override void Write(Utf8JsonWriter writer, AugmentPolicies value, JsonSerializerOptions options)
    {
        if (value.Preset is not null)
        {
            writer.WriteStringValue(value.Preset);
            return;
        }

        writer.WriteStartArray();
        if (value.Policies is not null)
        {
            WriteConfigs(writer, value.Policies, options);
        }
        else
        {
            foreach (var subPolicy in value.SubPolicies!)
            {
                writer.WriteStartArray();
                WriteConfigs(writer, subPolicy, options);
                writer.WriteEndArray();
            }
        }

        writer.WriteEndArray();
    }

    // Reads configs from the current token to the list's end, which it leaves the reader on.
    private static List<ComponentConfig<Transform>> ReadConfigs(ref Utf8JsonReader reader, JsonSerializerOptions options, string listPlace)
    {
        var configs = new List<ComponentConfig<Transform>>();
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            var place = $"{listPlace}[{configs.Count}]";
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw ConfigJson.Mismatch($"a transform config (an object with \"type\") at {place}", ref reader);
            }

            try
            {
                configs.Add(ReadConfig(ref reader, options));
            }
            catch (JsonException refusal)
            {
                // The nested read reports its path from the policy's own root; the message says
                // which policy, and the serializer places the error at this member.
                throw ConfigJson.Nested($"the policy at {place}", refusal);
            }

            reader.Read();
        }

        return configs;
    }

    // The binder reads a single value where a list goes as a list of one ("pad_val": 0), before the
    // serializer sees it; a policy read here passes the binder by, so the same is done here.
    private static ComponentConfig<Transform> ReadConfig(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        var config = JsonNode.Parse(ref reader)!.AsObject();
        var name = config[TypeKey] is JsonValue type && type.TryGetValue<string>(out var text) ? text : null;
        var derived = options.GetTypeInfo(typeof(ComponentConfig<Transform>)).PolymorphismOptions?.DerivedTypes
            .FirstOrDefault(candidate => candidate.TypeDiscriminator as string == name).DerivedType;
        if (derived is not null)
        {
            foreach (var property in options.GetTypeInfo(derived).Properties)
            {
                if (property.PropertyType.IsArray && config[property.Name] is { } value and not JsonArray)
                {
                    config[property.Name] = new JsonArray(value.DeepClone());
                }
            }
        }

        return config.Deserialize<ComponentConfig<Transform>>(options)!;
    }

    private static void WriteConfigs(Utf8JsonWriter writer, IEnumerable<ComponentConfig<Transform>> configs, JsonSerializerOptions options)
    {
        foreach (var config in configs)
        {
            JsonSerializer.Serialize(writer, config, options);
        }
    }
}
