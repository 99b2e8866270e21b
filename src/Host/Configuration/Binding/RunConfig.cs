using System.Collections.Immutable;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// A bound run config as <c>validate</c>, <c>print-config</c> and <c>build</c> see it: the typed
/// <c>model</c> and the other top-level sections as located JSON. A run binds every section to the
/// engine's typed <c>RunDefinition</c> instead (<see cref="RunDefinitionReader"/>).
/// </summary>
/// <remarks>
/// The raw sections keep the file, line and column of every value, so that the code that reads
/// them later reports errors as precisely as the binding does (<see cref="ConfigDocument.CreateException"/>).
/// </remarks>
public sealed class RunConfig
{
    /// <summary>Creates a run config, e.g. from C#.</summary>
    /// <param name="model">The model's config; null when the config has no model section.</param>
    /// <param name="sections">The other sections by key; every key must be a <see cref="RunConfigSection"/> other than "model".</param>
    /// <param name="document">The document the config was bound from, if any.</param>
    /// <exception cref="ArgumentException">A key is not a known section, or is "model".</exception>
    public RunConfig(ComponentConfig? model, IReadOnlyDictionary<string, ConfigNode>? sections = null, ConfigDocument? document = null)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var (key, value) in sections ?? ImmutableDictionary<string, ConfigNode>.Empty)
        {
            if (!RunConfigSection.TryGet(key, out _) || key == RunConfigSection.ModelKey)
            {
                throw new ArgumentException($"'{key}' is not a raw run config section.", nameof(sections));
            }

            builder[key] = value ?? throw new ArgumentException($"The section '{key}' is null; leave it out instead.", nameof(sections));
        }

        Model = model;
        Sections = builder.ToImmutable();
        Document = document;
    }

    /// <summary>The model's config (a classifier, or whatever component "type" names); null when the config has none.</summary>
    public ComponentConfig? Model { get; }

    /// <summary>Every section other than "model" that the config sets, by key.</summary>
    public IReadOnlyDictionary<string, ConfigNode> Sections { get; }

    /// <summary>The document the config was bound from; null for a config made in C#.</summary>
    public ConfigDocument? Document { get; }

    /// <summary>The section under <paramref name="key"/>, or null when the config does not set it.</summary>
    public ConfigNode? Section(string key) => Sections.GetValueOrDefault(key);
}
