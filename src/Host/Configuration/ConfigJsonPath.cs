using System.Globalization;
using System.Text;
using ImageClassifier.Shared.Json;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// An immutable JSON path built step by step while reading or merging (<c>$.model.backbone</c>,
/// <c>$.pipeline[0].type</c>), and the parser of the same notation for look-ups.
/// </summary>
/// <remarks>
/// Names that are not plain words are written <c>['a b']</c>, as System.Text.Json writes them in
/// <c>JsonException.Path</c>, so a path from the binding finds its node here.
/// </remarks>
internal sealed class ConfigJsonPath
{
    private readonly ConfigJsonPath? parent;
    private readonly ConfigJsonPathSegment segment;
    private readonly int depth;

    private ConfigJsonPath(ConfigJsonPath? parent, ConfigJsonPathSegment segment)
    {
        this.parent = parent;
        this.segment = segment;
        depth = parent is null ? 0 : parent.depth + 1;
    }

    public static ConfigJsonPath Root { get; } = new(null, default);

    public ConfigJsonPath Member(string name) => new(this, ConfigJsonPathSegment.Member(name));

    public ConfigJsonPath Item(int index) => new(this, ConfigJsonPathSegment.Item(index));

    public override string ToString()
    {
        var segments = new ConfigJsonPathSegment[depth];
        var node = this;
        for (var i = depth - 1; i >= 0; i--)
        {
            segments[i] = node!.segment;
            node = node.parent;
        }

        var builder = new StringBuilder(JsonPathText.Root);
        foreach (var step in segments)
        {
            Append(builder, step);
        }

        return builder.ToString();
    }

    public static string Format(IEnumerable<ConfigJsonPathSegment> segments)
    {
        var builder = new StringBuilder(JsonPathText.Root);
        foreach (var step in segments)
        {
            Append(builder, step);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Reads <c>$.a.b[0]['c d']</c> (the leading <c>$</c> is optional; <c>["c d"]</c> is accepted too).
    /// </summary>
    public static bool TryParse(string path, out List<ConfigJsonPathSegment> segments)
    {
        segments = [];
        var i = 0;
        if (path.StartsWith('$'))
        {
            i = 1;
        }
        else if (path.Length > 0 && path[0] != '[' && path[0] != '.')
        {
            // A bare "model.head" reads as "$.model.head".
            path = "." + path;
        }

        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0)
                {
                    end = path.Length;
                }

                if (end == i + 1)
                {
                    return false;
                }

                segments.Add(ConfigJsonPathSegment.Member(path[(i + 1)..end]));
                i = end;
            }
            else if (path[i] == '[')
            {
                if (i + 1 < path.Length && (path[i + 1] == '\'' || path[i + 1] == '"'))
                {
                    var quote = path[i + 1];
                    var close = path.IndexOf($"{quote}]", i + 2, StringComparison.Ordinal);
                    if (close < 0)
                    {
                        return false;
                    }

                    segments.Add(ConfigJsonPathSegment.Member(path[(i + 2)..close]));
                    i = close + 2;
                }
                else
                {
                    var close = path.IndexOf(']', i + 1);
                    if (close < 0
                        || !int.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    {
                        return false;
                    }

                    segments.Add(ConfigJsonPathSegment.Item(index));
                    i = close + 1;
                }
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static void Append(StringBuilder builder, ConfigJsonPathSegment step)
    {
        if (step.IsIndex)
        {
            JsonPathText.AppendItem(builder, step.Index);
        }
        else
        {
            JsonPathText.AppendMember(builder, step.Name!);
        }
    }
}
