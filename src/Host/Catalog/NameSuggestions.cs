namespace ImageClassifier.Hosting.Catalog;

/// <summary>
/// Ranks registered names by how likely a mistyped name meant them: a case-only difference first,
/// then a small edit distance (a typo, a dropped or swapped letter), then one name extending the
/// other, then a long common start (an abbreviation).
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
        Rank(query, candidates, candidate => [candidate]).Select(match => match.Key).ToArray();

    /// <summary>The most edits a suggestion may be away: about one per three letters typed, from one to three.</summary>
    public static int Threshold(string query) => Math.Clamp(query.Length / 3, 1, 3);

    /// <summary>
    /// The optimal-string-alignment distance, ignoring case: insertions, deletions, substitutions
    /// and swaps of two neighbouring letters each cost one.
    /// </summary>
    public static int Distance(string a, string b)
    {
        var rows = new int[3][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new int[b.Length + 1];
        }

        // rows[2] is row i, rows[1] row i - 1, rows[0] row i - 2; only three are ever needed.
        for (var j = 0; j <= b.Length; j++)
        {
            rows[1][j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var current = rows[2];
            var previous = rows[1];
            var beforePrevious = rows[0];
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

            rows[0] = previous;
            rows[1] = current;
            rows[2] = beforePrevious;
        }

        return rows[1][b.Length];
    }

    private static bool TryScore(string query, string candidate, out Score score)
    {
        if (string.Equals(query, candidate, StringComparison.OrdinalIgnoreCase))
        {
            score = new Score(Tier: 0, Cost: 0, Extension: 0);
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
            score = new Score(Tier: 1, Cost: distance, extension);
            return true;
        }

        if (extension < 2)
        {
            score = new Score(Tier: 2, Cost: Math.Abs(candidate.Length - query.Length), extension);
            return true;
        }

        // "GlobalAvgPooling" for "GlobalAveragePooling": an abbreviation keeps a long common start.
        if (CommonPrefixLength(query, candidate) >= Math.Max(4, query.Length / 2))
        {
            score = new Score(Tier: 3, Cost: distance, extension);
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

    private readonly record struct Score(int Tier, int Cost, int Extension) : IComparable<Score>
    {
        public int CompareTo(Score other) =>
            Tier != other.Tier ? Tier.CompareTo(other.Tier) :
            Cost != other.Cost ? Cost.CompareTo(other.Cost) :
            Extension.CompareTo(other.Extension);
    }
}
