namespace ImageClassifier.Hosting.Catalog;

/// <summary>Small pieces of English the catalog's messages share.</summary>
public static class CatalogText
{
    /// <summary>"'a'", "'a' or 'b'", "'a', 'b' or 'c'": already formatted items joined with "or".</summary>
    public static string JoinOr(IEnumerable<string> items) => Join(items, "or");

    /// <summary>Already formatted items joined with "and".</summary>
    public static string JoinAnd(IEnumerable<string> items) => Join(items, "and");

    /// <summary>The text between single quotes, as names appear in messages.</summary>
    public static string Quote(string text) => $"'{text}'";

    /// <summary>" Did you mean 'a' or 'b'?" with a leading space, or nothing when there is nothing to suggest.</summary>
    public static string DidYouMean(IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? string.Empty : $" Did you mean {JoinOr(suggestions.Select(Quote))}?";

    /// <summary>"a backbone", "an image_encoder".</summary>
    public static string WithArticle(string noun) =>
        noun.Length > 0 && "aeiouAEIOU".Contains(noun[0]) ? "an " + noun : "a " + noun;

    private static string Join(IEnumerable<string> items, string conjunction)
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => string.Empty,
            1 => list[0],
            _ => $"{string.Join(", ", list.Take(list.Count - 1))} {conjunction} {list[^1]}",
        };
    }
}
