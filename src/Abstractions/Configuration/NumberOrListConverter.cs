using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageClassifier;

/// <summary>Reads a <see cref="NumberOrList"/> from a JSON number or a list of numbers, and writes it back in the form it was read.</summary>
internal sealed class NumberOrListConverter : JsonConverter<NumberOrList>
{
    private const string Expected = "a number or a list of numbers";

    public override NumberOrList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return NumberOrList.Number(reader.GetDouble());
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw ConfigJson.Mismatch(Expected, ref reader);
        }

        var values = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw ConfigJson.Mismatch($"a number in the list at item {values.Count}", ref reader);
            }

            values.Add(reader.GetDouble());
        }

        return NumberOrList.List([.. values]);
    }

    public override void Write(Utf8JsonWriter writer, NumberOrList value, JsonSerializerOptions options)
    {
        if (value.IsNumber)
        {
            writer.WriteNumberValue(value.Values[0]);
            return;
        }

        writer.WriteStartArray();
        foreach (var item in value.Values)
        {
            writer.WriteNumberValue(item);
        }

        writer.WriteEndArray();
    }
}
