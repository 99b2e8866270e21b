using ImageClassifier.Shared.Text;

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

    /// <summary>"; did you mean 'a' or 'b'?", to end a detail; nothing when there is nothing to suggest.</summary>
    public static string DidYouMean(IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? string.Empty : "; " + NameSuggestions.DidYouMean(suggestions, MessageText.Quote);

    /// <summary>The names close to <paramref name="query"/>, best first (<see cref="NameSuggestions.Closest"/>).</summary>
    public static IReadOnlyList<string> Closest(string query, IEnumerable<string> candidates) => NameSuggestions.Closest(query, candidates);
}
