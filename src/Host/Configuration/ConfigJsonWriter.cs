using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// Writes a config tree back as JSON: members in tree order, numbers as written, two-space
/// indentation, short lists of scalars on one line; optionally with a <c>// file:line:col</c>
/// comment after each value naming where it was set (our reader accepts the comments back).
/// </summary>
internal static class ConfigJsonWriter
{
    private const int InlineArrayWidth = 80;

    public static string Write(ConfigNode node, bool indented, bool annotate)
    {
        var builder = new StringBuilder();
        if (indented)
        {
            WriteIndented(builder, node, 0, comma: false, annotate ? node.Location.ToString() : null);
            builder.Append('\n');
        }
        else
        {
            WriteCompact(builder, node);
        }

        return builder.ToString();
    }

    private static void WriteIndented(StringBuilder builder, ConfigNode node, int indent, bool comma, string? comment)
    {
        var inline = Inline(node);
        if (inline is not null)
        {
            builder.Append(inline);
            if (comma)
            {
                builder.Append(',');
            }

            if (comment is not null)
            {
                builder.Append("  // ").Append(comment);
            }

            return;
        }

        var isObject = node is ConfigObject;
        builder.Append(isObject ? '{' : '[');
        if (comment is not null)
        {
            builder.Append("  // ").Append(comment);
        }

        if (node is ConfigObject obj)
        {
            for (var i = 0; i < obj.Members.Length; i++)
            {
                var member = obj.Members[i];
                NewLine(builder, indent + 1);
                builder.Append(Quote(member.Name)).Append(": ");
                WriteIndented(builder, member.Value, indent + 1, i < obj.Members.Length - 1, comment is null ? null : member.Value.Location.ToString());
            }
        }
        else
        {
            var array = (ConfigArray)node;
            for (var i = 0; i < array.Items.Length; i++)
            {
                NewLine(builder, indent + 1);
                WriteIndented(builder, array.Items[i], indent + 1, i < array.Items.Length - 1, comment is null ? null : array.Items[i].Location.ToString());
            }
        }

        NewLine(builder, indent);
        builder.Append(isObject ? '}' : ']');
        if (comma)
        {
            builder.Append(',');
        }
    }

    /// <summary>The one-line form of scalars, empty containers and short lists of scalars; null otherwise.</summary>
    private static string? Inline(ConfigNode node)
    {
        switch (node)
        {
            case ConfigObject obj:
                return obj.Members.Length == 0 ? "{}" : null;
            case ConfigArray array:
                if (array.Items.Length == 0)
                {
                    return "[]";
                }

                var builder = new StringBuilder("[");
                for (var i = 0; i < array.Items.Length; i++)
                {
                    if (array.Items[i] is ConfigObject or ConfigArray)
                    {
                        return null;
                    }

                    builder.Append(i == 0 ? "" : ", ").Append(Scalar(array.Items[i]));
                    if (builder.Length > InlineArrayWidth)
                    {
                        return null;
                    }
                }

                return builder.Append(']').ToString();
            default:
                return Scalar(node);
        }
    }

    private static void WriteCompact(StringBuilder builder, ConfigNode node)
    {
        switch (node)
        {
            case ConfigObject obj:
                builder.Append('{');
                for (var i = 0; i < obj.Members.Length; i++)
                {
                    builder.Append(i == 0 ? "" : ",").Append(Quote(obj.Members[i].Name)).Append(':');
                    WriteCompact(builder, obj.Members[i].Value);
                }

                builder.Append('}');
                break;
            case ConfigArray array:
                builder.Append('[');
                for (var i = 0; i < array.Items.Length; i++)
                {
                    builder.Append(i == 0 ? "" : ",");
                    WriteCompact(builder, array.Items[i]);
                }

                builder.Append(']');
                break;
            default:
                builder.Append(Scalar(node));
                break;
        }
    }

    private static string Scalar(ConfigNode node) => node switch
    {
        ConfigString text => Quote(text.Value),
        ConfigNumber number => number.Literal,
        ConfigBoolean flag => flag.Value ? "true" : "false",
        _ => "null",
    };

    private static string Quote(string value) =>
        "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"";

    private static void NewLine(StringBuilder builder, int indent) => builder.Append('\n').Append(' ', indent * 2);
}
