using System.Globalization;
using System.Text;

namespace ImageClassifier.Shared.Json;

/// <summary>Writes JSON paths as config messages show them: <c>$.model.backbone</c>, <c>$.pipeline[0]</c>, <c>$['a b']</c>.</summary>
/// <remarks>
/// Names that are not plain words are written <c>['a b']</c>, as System.Text.Json writes them in
/// <c>JsonException.Path</c>, so a path from the host's binding finds its node in the config tree.
/// </remarks>
internal static class JsonPathText
{
    public const string Root = "$";

    private static readonly char[] CharactersNeedingBrackets =
        ['.', ' ', '\'', '/', '"', '[', ']', '(', ')', '\t', '\n', '\r', '\f', '\b', '\\', '\u0085', '\u2028', '\u2029'];

    /// <summary><paramref name="path"/> followed by the member <paramref name="name"/>.</summary>
    public static string Member(string path, string name) => AppendMember(new StringBuilder(path), name).ToString();

    /// <summary><paramref name="path"/> followed by the item <paramref name="index"/>.</summary>
    public static string Item(string path, int index) => AppendItem(new StringBuilder(path), index).ToString();

    public static StringBuilder AppendMember(StringBuilder builder, string name) =>
        name.Length == 0 || name.IndexOfAny(CharactersNeedingBrackets) >= 0
            ? builder.Append("['").Append(name).Append("']")
            : builder.Append('.').Append(name);

    public static StringBuilder AppendItem(StringBuilder builder, int index) =>
        builder.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
}
