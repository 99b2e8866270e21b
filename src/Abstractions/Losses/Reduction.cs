using System.Text.Json.Serialization;

namespace ImageClassifier;

/// <summary>How an element-wise loss is reduced; "none", "mean" or "sum" in configs.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<Reduction>))]
public enum Reduction
{
    /// <summary>Keep the element-wise loss.</summary>
    None,

    /// <summary>Average over elements, or divide the sum by the average factor when one is given.</summary>
    Mean,

    /// <summary>Sum over elements.</summary>
    Sum,
}
