namespace ImageClassifier.Hosting.Tests.Binding;

/// <summary>Config text with one '§' marking where an error is expected; the mark is removed and its line and column kept.</summary>
internal readonly record struct MarkedText(string Text, int Line, int Column)
{
    public const char Mark = '§';

    public static MarkedText Parse(string marked)
    {
        marked = marked.ReplaceLineEndings("\n");
        var at = marked.IndexOf(Mark, StringComparison.Ordinal);
        if (at < 0 || marked.IndexOf(Mark, at + 1) >= 0)
        {
            throw new ArgumentException("Mark the expected error position with exactly one '§'.", nameof(marked));
        }

        var before = marked[..at];
        var line = before.Count(character => character == '\n') + 1;
        var column = at - (before.LastIndexOf('\n') + 1) + 1;
        return new MarkedText(marked.Remove(at, 1), line, column);
    }
}
