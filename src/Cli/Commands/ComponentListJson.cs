namespace ImageClassifier.Cli.Commands;

/// <summary>What <c>icls list-models --json</c> writes.</summary>
/// <param name="Pattern">The pattern asked for, if any.</param>
/// <param name="Kind">The kind asked for, as the catalog spells it, if any.</param>
/// <param name="Count">How many components are listed.</param>
/// <param name="Components">The components, sorted by kind, then name.</param>
public sealed record ComponentListJson(string? Pattern, string? Kind, int Count, IReadOnlyList<ComponentListEntryJson> Components);
