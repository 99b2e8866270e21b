using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>Builds the binding's <see cref="ConfigException"/>s where <see cref="ConfigDocument.CreateException"/> cannot: at a member's name, or with the cause attached.</summary>
internal static class BindingErrors
{
    /// <summary>An error at <paramref name="location"/> (a member name, say); an inherited location names its <c>_base_</c> chain, as <see cref="ConfigDocument.CreateException"/> does.</summary>
    public static ConfigException At(ConfigDocument document, SourceLocation location, ConfigJsonPath path, string detail)
    {
        if (!location.IsCommandLine && location.Path != document.RootPath && document.GetInheritanceChain(location.Path) is { } chain)
        {
            detail += $" (inherited via {chain})";
        }

        return new ConfigException(location, path.ToString(), detail);
    }

    /// <summary>An error about the value at <paramref name="path"/>, located as <see cref="ConfigDocument.CreateException"/> locates it.</summary>
    public static ConfigException AtValue(ConfigDocument document, ConfigJsonPath path, string detail, Exception? cause = null)
    {
        var located = document.CreateException(path.ToString(), detail);
        return cause is null ? located : new ConfigException(located.Location, located.JsonPath, located.Detail, cause);
    }

    /// <summary>"; did you mean 'a' or 'b'?", to end a detail.</summary>
    public static string DidYouMean(IEnumerable<string> suggestions) =>
        $"; did you mean {CatalogText.JoinOr(suggestions.Select(CatalogText.Quote))}?";

    /// <summary>
    /// The names close to <paramref name="query"/>, best first: those a few edits away when there
    /// are any ("ResNet_CIFAR" for "ResNet_CIFR", not also "ResNet"), else every ranked one.
    /// </summary>
    public static IReadOnlyList<string> Closest(string query, IEnumerable<string> candidates) =>
        KeepClose(query, NameSuggestions.Rank(query, candidates));

    /// <summary>Of names already ranked for <paramref name="query"/>, those a few edits away when there are any.</summary>
    public static IReadOnlyList<string> KeepClose(string query, IReadOnlyList<string> ranked)
    {
        var close = ranked.Where(name => NameSuggestions.Distance(query, name) <= NameSuggestions.Threshold(query)).ToArray();
        return close.Length > 0 ? close : ranked;
    }
}
