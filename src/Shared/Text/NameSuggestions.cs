namespace ImageClassifier.Shared.Text;

/// <summary>
/// The one "did you mean ...?" helper, for the catalog, the config binder, the command line and the
/// build-time config analyzer: ranks known names by how likely a mistyped name meant them, a
/// case-only difference first, then a small edit distance (a typo, a dropped or swapped letter),
/// then one name extending the other, then a long common start (an abbreviation).
/// </summary>
public static class NameSuggestions
{
    /// <summary>The most suggestions a message offers.</summary>
    public const int MaximumCount = 3;

    /// <summary>
    /// The items whose keys come close to <paramref name="query"/>, best first, each with its
    /// closest key; at most <see cref="MaximumCount"/>.
    /// </summary>
    public static IReadOnlyList<(T Item, string Key)> Rank<T>(string query, IEnumerable<T> items, Func<T, IEnumerable<string>> keys)
    {
        var ranked = new List<(T Item, string Key, Score Score)>();
        foreach (var item in items)
        {
            (string Key, Score Score)? best = null;
            foreach (var key in keys(item))
            {
                if (TryScore(query, key, out var score) && (best is null || score.CompareTo(best.Value.Score) < 0))
                {
                    best = (key, score);
                }
            }

            if (best is { } found)
            {
                ranked.Add((item, found.Key, found.Score));
            }
        }

        return ranked
            .OrderBy(entry => entry.Score)
            .ThenBy(entry => entry.Key, StringComparer.OrdinalIgnoreCase)
            .ThenBy(entry => entry.Key, StringComparer.Ordinal)
            .Take(MaximumCount)
            .Select(entry => (entry.Item, entry.Key))
            .ToArray();
    }

    /// <summary>The strings among <paramref name="candidates"/> close to <paramref name="query"/>, best first.</summary>
    public static IReadOnlyList<string> Rank(string query, IEnumerable<string> candidates) =>
        Rank(query, candidates.Distinct(StringComparer.Ordinal), candidate => [candidate]).Select(match => match.Key).ToArray();

    /// <summary>
    /// The names close to <paramref name="query"/>, best first: those a few edits away when there
    /// are any ("ResNet_CIFAR" for "ResNet_CIFR", not also "ResNet"), else every ranked one.
    /// </summary>
    public static IReadOnlyList<string> Closest(string query, IEnumerable<string> candidates) => KeepClose(query, Rank(query, candidates));

    /// <summary>As <see cref="Closest(string, IEnumerable{string})"/>, over items that each go by several keys (a component's name and aliases).</summary>
    public static IReadOnlyList<string> Closest<T>(string query, IEnumerable<T> items, Func<T, IEnumerable<string>> keys) =>
        KeepClose(query, Rank(query, items, keys).Select(match => match.Key).ToArray());

    /// <summary>Of names already ranked for <paramref name="query"/>, those a few edits away when there are any.</summary>
    private static IReadOnlyList<string> KeepClose(string query, IReadOnlyList<string> ranked)
    {
        var close = ranked.Where(name => Distance(query, name) <= Threshold(query)).ToArray();
        return close.Length > 0 ? close : ranked;
    }

    /// <summary>"did you mean 'a' or 'b'?", each name quoted by <paramref name="quote"/>; empty when there is nothing to suggest.</summary>
    public static string DidYouMean(IReadOnlyList<string> suggestions, Func<string, string> quote) =>
        suggestions.Count == 0 ? string.Empty : $"did you mean {MessageText.JoinOr(suggestions.Select(quote))}?";

    /// <summary>The most edits a suggestion may be away: about one per three letters typed, from one to three.</summary>
    public static int Threshold(string query) => Math.Max(1, Math.Min(3, query.Length / 3));

    /// <summary>
    /// The optimal-string-alignment distance, ignoring case: insertions, deletions, substitutions
    /// and swaps of two neighbouring letters each cost one.
    /// </summary>
    public static int Distance(string a, string b)
    {
        // Row i - 2, row i - 1 and row i of the table; only three are ever needed.
        var beforePrevious = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = SameLetter(a[i - 1], b[j - 1]) ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && SameLetter(a[i - 1], b[j - 2]) && SameLetter(a[i - 2], b[j - 1]))
                {
                    value = Math.Min(value, beforePrevious[j - 2] + 1);
                }

                current[j] = value;
            }

            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return previous[b.Length];
    }

    private static bool TryScore(string query, string candidate, out Score score)
    {
        if (string.Equals(query, candidate, StringComparison.OrdinalIgnoreCase))
        {
            score = new Score(0, 0, 0);
            return true;
        }

        // "ResNet_CI" typed for "ResNet_CIFAR" (a cut-off name) beats "resnet50.a1_in1k" typed for
        // "resnet50" (a name with something added), which beats no shared start at all.
        var extension =
            query.Length >= 2 && candidate.StartsWith(query, StringComparison.OrdinalIgnoreCase) ? 0 :
            candidate.Length >= 3 && query.StartsWith(candidate, StringComparison.OrdinalIgnoreCase) ? 1 :
            2;
        var distance = Distance(query, candidate);
        if (distance <= Threshold(query) && distance < candidate.Length)
        {
            score = new Score(1, distance, extension);
            return true;
        }

        if (extension < 2)
        {
            score = new Score(2, Math.Abs(candidate.Length - query.Length), extension);
            return true;
        }

        // "GlobalAvgPooling" for "GlobalAveragePooling": an abbreviation keeps a long common start.
        if (CommonPrefixLength(query, candidate) >= Math.Max(4, query.Length / 2))
        {
            score = new Score(3, distance, extension);
            return true;
        }

        score = default;
        return false;
    }

    private static int CommonPrefixLength(string a, string b)
    {
        var length = 0;
        while (length < a.Length && length < b.Length && SameLetter(a[length], b[length]))
        {
            length++;
        }

        return length;
    }

    private static bool SameLetter(char a, char b) => char.ToUpperInvariant(a) == char.ToUpperInvariant(b);

    /// <summary>How close a candidate is: the tier first, then the edits, then how the names extend each other.</summary>
    private readonly struct Score(int tier, int cost, int extension) : IComparable<Score>
    {
        private int Tier { get; } = tier;

        private int Cost { get; } = cost;

        private int Extension { get; } = extension;

        public int CompareTo(Score other) =>
            Tier != other.Tier ? Tier.CompareTo(other.Tier) :
            Cost != other.Cost ? Cost.CompareTo(other.Cost) :
            Extension.CompareTo(other.Extension);
    }
}
