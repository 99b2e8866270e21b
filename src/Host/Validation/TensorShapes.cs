using System.Globalization;

namespace ImageClassifier.Hosting.Validation;

/// <summary>Shapes as the messages write them.</summary>
internal static class TensorShapes
{
    /// <summary>"(1, 3, 224, 224)", whatever the culture.</summary>
    public static string Format(IEnumerable<long> shape) =>
        "(" + string.Join(", ", shape.Select(size => size.ToString(CultureInfo.InvariantCulture))) + ")";
}
