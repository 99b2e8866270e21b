using System.Text;

namespace ImageClassifier.Models.Checkpoints;

/// <summary>What loading a state dict into a module did (as mmengine's load_state_dict reports).</summary>
/// <param name="MissingKeys">Module entries the state dict has no tensor for; they kept their values.</param>
/// <param name="UnexpectedKeys">State-dict entries the module has no parameter or buffer for.</param>
/// <param name="ShapeMismatches">Entries present in both with different shapes; they were not copied.</param>
/// <param name="LoadedCount">Tensors copied into the module.</param>
public sealed record StateDictLoadReport(
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<ShapeMismatch> ShapeMismatches,
    int LoadedCount)
{
    private const int NamesShown = 20;

    /// <summary>True when every module entry was loaded and nothing was left over.</summary>
    public bool IsExact => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>A readable summary: the count loaded, then each kind of problem with its names.</summary>
    public string Describe() => Describe(NamesShown);

    /// <summary>As <see cref="Describe()"/>, with at most <paramref name="namesShown"/> names of each kind (the counts are always whole).</summary>
    public string Describe(int namesShown)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(namesShown);
        var text = new StringBuilder();
        text.Append($"loaded {LoadedCount} tensor{(LoadedCount == 1 ? string.Empty : "s")}");
        AppendNames(text, "missing key", MissingKeys, namesShown);
        AppendNames(text, "unexpected key", UnexpectedKeys, namesShown);
        AppendNames(text, "shape mismatch", ShapeMismatches.Select(mismatch => mismatch.ToString()).ToList(), namesShown);
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    private static void AppendNames(StringBuilder text, string kind, IReadOnlyList<string> names, int namesShown)
    {
        if (names.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.Append($"  {names.Count} {kind}{(names.Count == 1 ? string.Empty : kind.EndsWith('h') ? "es" : "s")}: ");
        text.Append(string.Join(", ", names.Take(namesShown)));
        if (names.Count > namesShown)
        {
            text.Append($", and {names.Count - namesShown} more");
        }
    }
}
