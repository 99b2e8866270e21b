using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageClassifier;

/// <summary>Reads and writes enum config values as snake_case strings ("mean", "pytorch"); numbers are refused.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
