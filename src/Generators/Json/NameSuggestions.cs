namespace ImageClassifier.Generators.Json;

/// <summary>The known names closest to a misspelt one, for "did you mean ...?" in messages.</summary>
internal static class NameSuggestions
{
    public const int MaximumCount = 3;

    /// <summary>
    /// Up to <see cref="MaximumCount"/> of <paramref name="candidates"/>, best first: a name that
    /// differs only in case, then names within a few edits (more allowed for longer names), then
    /// names that one of the two starts with (a cut-off or extended name). None when nothing is close.
    /// </summary>
    public static IReadOnlyList<string> Closest(string query, IEnumerable<string> candidates)
    {
        var ranked = new List<(string Name, int Rank, int Cost)>();
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            if (candidate == query)
            {
                continue;
            }

            if (string.Equals(candidate, query, StringComparison.OrdinalIgnoreCase))
            {
                ranked.Add((candidate, 0, 0));
                continue;
            }

            var distance = Distance(query.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= AllowedEdits(query) && distance < candidate.Length)
            {
                ranked.Add((candidate, 1, distance));
            }
            else if (Math.Min(query.Length, candidate.Length) >= 3
                && (candidate.StartsWith(query, StringComparison.OrdinalIgnoreCase) || query.StartsWith(candidate, StringComparison.OrdinalIgnoreCase)))
            {
                ranked.Add((candidate, 2, Math.Abs(candidate.Length - query.Length)));
            }
        }

        return
        [
            .. ranked
                .OrderBy(entry => entry.Rank)
                .ThenBy(entry => entry.Cost)
                .ThenBy(entry => entry.Name, StringComparer.Ordinal)
                .Take(MaximumCount)
                .Select(entry => entry.Name),
        ];
    }

    /// <summary>"did you mean 'a' or 'b'?" with each name in <paramref name="quote"/>; null when there is nothing to suggest.</summary>
    public static string? DidYouMean(IReadOnlyList<string> suggestions, char quote = '\'') =>
        suggestions.Count == 0 ? null : $"did you mean {JoinOr([.. suggestions.Select(name => quote + name + quote)])}?";

    /// <summary>"a", "a or b", "a, b or c".</summary>
    public static string JoinOr(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + " or " + items[items.Count - 1];

    // One edit in a short name, up to three in a long one: "ResNet_CIFR" is close to
    // "ResNet_CIFAR", "Rsnt" is not close to "ViT".
    private static int AllowedEdits(string query) => Math.Max(1, Math.Min(3, query.Length / 3));

    /// <summary>Edits (insert, delete, replace, swap two neighbours) that turn <paramref name="left"/> into <paramref name="right"/>.</summary>
    private static int Distance(string left, string right)
    {
        var previous2 = new int[right.Length + 1];
        var previous = new int[right.Length + 1];
        var current = new int[right.Length + 1];
        for (var column = 0; column <= right.Length; column++)
        {
            previous[column] = column;
        }

        for (var row = 1; row <= left.Length; row++)
        {
            current[0] = row;
            for (var column = 1; column <= right.Length; column++)
            {
                var replace = previous[column - 1] + (left[row - 1] == right[column - 1] ? 0 : 1);
                var best = Math.Min(replace, Math.Min(previous[column], current[column - 1]) + 1);
                if (row > 1 && column > 1 && left[row - 1] == right[column - 2] && left[row - 2] == right[column - 1])
                {
                    best = Math.Min(best, previous2[column - 2] + 1);
                }

                current[column] = best;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[right.Length];
    }
}
