using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageClassifier.Data.Transforms;

/// <summary>Reads <see cref="AugmentHparams"/> from a JSON object with <c>pad_val</c> and <c>interpolation</c>, and writes it back so.</summary>
internal sealed class AugmentHparamsConverter : JsonConverter<AugmentHparams>
{
    private const string PadVal = "pad_val";
    private const string InterpolationKey = "interpolation";

    private static readonly Dictionary<string, Interpolation> InterpolationNames =
        Enum.GetValues<Interpolation>().ToDictionary(value => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()), StringComparer.Ordinal);

    public override AugmentHparams Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw ConfigJson.Mismatch("an object such as {\"pad_val\": 128}", ref reader);
        }

        double[]? padVal = null;
        Interpolation? interpolation = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case PadVal:
                    padVal = ReadNumbers(ref reader);
                    break;
                case InterpolationKey:
                    interpolation = reader.TokenType == JsonTokenType.String && InterpolationNames.TryGetValue(reader.GetString()!, out var named)
                        ? named
                        : throw ConfigJson.Mismatch($"{InterpolationKey} to be one of {string.Join(", ", InterpolationNames.Keys.Select(key => $"\"{key}\""))}", ref reader);
                    break;
                default:
                    throw new JsonException($"hparams can set {PadVal} and {InterpolationKey} (the settings the augmentations here take), but not \"{name}\"");
            }
        }

        return new AugmentHparams { PadVal = padVal, Interpolation = interpolation };
    }

    public override void Write(Utf8JsonWriter writer, AugmentHparams value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.PadVal is not null)
        {
            writer.WriteStartArray(PadVal);
            foreach (var item in value.PadVal)
            {
                writer.WriteNumberValue(item);
            }

            writer.WriteEndArray();
        }

        if (value.Interpolation is { } interpolation)
        {
            writer.WriteString(InterpolationKey, InterpolationNames.First(pair => pair.Value == interpolation).Key);
        }

        writer.WriteEndObject();
    }

    // pad_val: a number, or a list of numbers (one per channel), each 0 to 255.
    private static double[] ReadNumbers(ref Utf8JsonReader reader)
    {
        var values = new List<double>();
        if (reader.TokenType == JsonTokenType.Number)
        {
            values.Add(reader.GetDouble());
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                values.Add(reader.GetDouble());
            }

            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw ConfigJson.Mismatch($"{PadVal} to list numbers", ref reader);
            }
        }
        else
        {
            throw ConfigJson.Mismatch($"{PadVal} to be a number or a list of numbers", ref reader);
        }

        return values.All(value => value is >= 0 and <= 255)
            ? [.. values]
            : throw new JsonException($"{PadVal} values must be between 0 and 255, but got {ConfigLiteral.Format(values)}");
    }
}
