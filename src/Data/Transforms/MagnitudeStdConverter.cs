using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageClassifier.Data.Transforms;

/// <summary>Reads a <see cref="MagnitudeStd"/> from a JSON number or the string "inf", and writes it back so.</summary>
internal sealed class MagnitudeStdConverter : JsonConverter<MagnitudeStd>
{
    public override MagnitudeStd Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => MagnitudeStd.Of(reader.GetDouble()),
        JsonTokenType.String when reader.GetString() == "inf" => MagnitudeStd.Infinite,
        _ => throw ConfigJson.Mismatch("a number or \"inf\"", ref reader),
    };

    public override void Write(Utf8JsonWriter writer, MagnitudeStd value, JsonSerializerOptions options)
    {
        if (value.IsInfinite)
        {
            writer.WriteStringValue("inf");
        }
        else
        {
            writer.WriteNumberValue(value.Value);
        }
    }
}
