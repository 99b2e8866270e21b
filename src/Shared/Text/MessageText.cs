using System.Globalization;
using System.Text;

namespace ImageClassifier.Shared.Text;

/// <summary>Small pieces of English that the config, catalog and analyzer messages share.</summary>
internal static class MessageText
{
    /// <summary>"'a'", "'a' or 'b'", "'a', 'b' or 'c'": already formatted items joined with "or".</summary>
    public static string JoinOr(IEnumerable<string> items) => Join(items, "or");

    /// <summary>Already formatted items joined with "and".</summary>
    public static string JoinAnd(IEnumerable<string> items) => Join(items, "and");

    /// <summary>The text between single quotes, as names appear in messages.</summary>
    public static string Quote(string text) => $"'{text}'";

    /// <summary>"a backbone", "an image_encoder".</summary>
    public static string WithArticle(string noun) =>
        noun.Length > 0 && "aeiouAEIOU".IndexOf(noun[0]) >= 0 ? "an " + noun : "a " + noun;

    /// <summary>Text no longer than a message should quote: at most 60 characters.</summary>
    public static string Shorten(string text) => text.Length <= 60 ? text : text.Substring(0, 57) + "...";

    /// <summary>
    /// A string as JSON writes it, double quotes and escapes included: the characters a reader
    /// could not see or would misread (controls, quotes, backslashes, unusual spaces and line
    /// breaks, private-use and unassigned code points, everything outside the BMP) are escaped,
    /// as System.Text.Json does with its relaxed encoder; other text is kept as it is.
    /// </summary>
    public static string JsonQuote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"':
                    quoted.Append("\\\"");
                    continue;
                case '\\':
                    quoted.Append("\\\\");
                    continue;
                case '\b':
                    quoted.Append("\\b");
                    continue;
                case '\f':
                    quoted.Append("\\f");
                    continue;
                case '\n':
                    quoted.Append("\\n");
                    continue;
                case '\r':
                    quoted.Append("\\r");
                    continue;
                case '\t':
                    quoted.Append("\\t");
                    continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                AppendEscape(quoted, c);
                AppendEscape(quoted, text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                AppendEscape(quoted, '\uFFFD');
            }
            else if (NeedsEscape(c))
            {
                AppendEscape(quoted, c);
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append('"').ToString();
    }

    private static bool NeedsEscape(char c) =>
        c < ' ' || c is (>= '\u007F' and <= '\u009F') or '\uFEFF' || char.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.SpaceSeparator => c != ' ',
            UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => true,
            _ => false,
        };

    private static void AppendEscape(StringBuilder builder, char c) =>
        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));

    private static string Join(IEnumerable<string> items, string conjunction)
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => string.Empty,
            1 => list[0],
            _ => $"{string.Join(", ", list.Take(list.Count - 1))} {conjunction} {list[list.Count - 1]}",
        };
    }
}
