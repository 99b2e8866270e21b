namespace ImageClassifier.Hosting.Catalog;

/// <summary>Shell-style patterns over whole names: <c>*</c> any run of characters, <c>?</c> one; case is ignored.</summary>
public static class WildcardPattern
{
    /// <summary>Whether the pattern uses <c>*</c> or <c>?</c>; one that does not matches a name whole.</summary>
    public static bool HasWildcards(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Whether all of <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string text, string pattern)
    {
        var t = 0;
        var p = 0;
        var lastStar = -1;
        var resumeAt = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && (pattern[p] == '?' || SameLetter(pattern[p], text[t])))
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                lastStar = p++;
                resumeAt = t;
            }
            else if (lastStar >= 0)
            {
                // Let the last star swallow one more character and try again from there.
                p = lastStar + 1;
                t = ++resumeAt;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool SameLetter(char a, char b) => char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
