using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Catalog;

/// <summary>The catalog's sentence-style pieces of English, over the ones config messages share (<see cref="MessageText"/>).</summary>
public static class CatalogText
{
    /// <summary>"'a'", "'a' or 'b'", "'a', 'b' or 'c'": already formatted items joined with "or".</summary>
    public static string JoinOr(IEnumerable<string> items) => MessageText.JoinOr(items);

    /// <summary>Already formatted items joined with "and".</summary>
    public static string JoinAnd(IEnumerable<string> items) => MessageText.JoinAnd(items);

    /// <summary>The text between single quotes, as names appear in messages.</summary>
    public static string Quote(string text) => MessageText.Quote(text);

    /// <summary>The names of <paramref name="candidates"/> close enough to <paramref name="name"/> to suggest, closest first (the catalog's and the config loader's ranking).</summary>
    public static IReadOnlyList<string> Suggestions(string name, IEnumerable<string> candidates) => NameSuggestions.Rank(name, candidates);

    /// <summary>" Did you mean 'a' or 'b'?" with a leading space, or nothing when there is nothing to suggest.</summary>
    public static string DidYouMean(IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? string.Empty : $" Did you mean {JoinOr(suggestions.Select(Quote))}?";

    /// <summary>"a backbone", "an image_encoder".</summary>
    public static string WithArticle(string noun) => MessageText.WithArticle(noun);
}
