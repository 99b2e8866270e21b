using System.Text.RegularExpressions;
using ImageClassifier.Engine.Configuration;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>
/// The origin of a run bound from a JSON config: components build through the binder, so a
/// refusal is a <see cref="ConfigException"/> at the file, line and column of the value, and
/// the engine's own errors are placed the same way.
/// </summary>
public sealed partial class JsonRunOrigin : IRunOrigin
{
    private readonly ConfigBinder binder;
    private readonly Lazy<string> text;
    private readonly IReadOnlyDictionary<ComponentConfig, string> boundAt;

    /// <summary>Creates the origin of a run bound from <paramref name="document"/> with <paramref name="binder"/>.</summary>
    /// <param name="document">The merged config.</param>
    /// <param name="binder">The binder the run's components were bound with.</param>
    /// <param name="boundAt">
    /// Where configs the run lists apart from their sections were bound (hooks come from
    /// default_hooks and custom_hooks), by reference; the engine's own path for any other.
    /// </param>
    public JsonRunOrigin(ConfigDocument document, ConfigBinder binder, IReadOnlyDictionary<ComponentConfig, string>? boundAt = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(binder);
        Document = document;
        this.binder = binder;
        this.boundAt = boundAt ?? new Dictionary<ComponentConfig, string>();

        // Written into every checkpoint; serialised once.
        text = new Lazy<string>(() => document.ToJsonString(indented: true));
    }

    /// <summary>The merged config the run was bound from.</summary>
    public ConfigDocument Document { get; }

    /// <inheritdoc />
    public string? Text => text.Value;

    /// <inheritdoc />
    public object Build(string path, ComponentConfig config) =>
        binder.BuildComponent(Document, boundAt.TryGetValue(config, out var bound) ? bound : Locate(path), config);

    /// <inheritdoc />
    public Exception Error(string path, string detail) => Document.CreateException(Locate(path), detail);

    // The engine numbers list sections (param_scheduler, *_evaluator) as lists; a config may give a
    // single object instead, which is then the list's only entry.
    private string Locate(string path)
    {
        var match = ListEntry().Match(path);
        if (match.Success
            && match.Groups["index"].Value == "0"
            && Document.TryGetNode(match.Groups["section"].Value, out var node)
            && node is ConfigObject)
        {
            return match.Groups["section"].Value + path[match.Length..];
        }

        return path;
    }

    [GeneratedRegex(@"^(?<section>\$\.[a-z_]+)\[(?<index>\d+)\]")]
    private static partial Regex ListEntry();
}
