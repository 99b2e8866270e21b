namespace ImageClassifier.Shared.Json;

/// <summary>
/// A place in config JSON text: the UTF-16 offset (what a Roslyn <c>TextSpan</c> needs) and the
/// 1-based line and column people read (what the host's <c>SourceLocation</c> holds).
/// </summary>
/// <remarks>
/// Columns count Unicode scalar values (a character outside the BMP is one column, a tab is one);
/// CRLF, LF and a lone CR each end a line. Editors count UTF-16 code units and Roslyn also ends
/// lines at U+0085, U+2028 and U+2029, so the IDE can show another column after an emoji, or
/// another line after one of those three, for the same offset.
/// </remarks>
internal readonly struct JsonPosition(int offset, int line, int column)
{
    public int Offset { get; } = offset;

    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>The position of <paramref name="index"/> in <paramref name="text"/>, columns counted from <paramref name="firstColumn"/>.</summary>
    public static JsonPosition Of(string text, int index, int firstColumn = 1)
    {
        var line = 1;
        var column = firstColumn;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            Step(text, i, ref line, ref column);
        }

        return new JsonPosition(index, line, column);
    }

    /// <summary>Moves <paramref name="line"/> and <paramref name="column"/> past the character at <paramref name="index"/>.</summary>
    public static void Step(string text, int index, ref int line, ref int column)
    {
        var c = text[index];
        if (c == '\n' || (c == '\r' && (index + 1 >= text.Length || text[index + 1] != '\n')))
        {
            line++;
            column = 1;
        }
        else if (c != '\r' && !char.IsLowSurrogate(c))
        {
            column++;
        }
    }
}
