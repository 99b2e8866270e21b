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

    /// <summary>Creates the origin of a run bound from <paramref name="document"/> with <paramref name="binder"/>.</summary>
    public JsonRunOrigin(ConfigDocument document, ConfigBinder binder)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(binder);
        Document = document;
        this.binder = binder;

        // Written into every checkpoint; serialised once.
        text = new Lazy<string>(() => document.ToJsonString(indented: true));
    }

    /// <summary>The merged config the run was bound from.</summary>
    public ConfigDocument Document { get; }

    /// <inheritdoc />
    public string? Text => text.Value;

    /// <inheritdoc />
    public object Build(string path, ComponentConfig config) => binder.BuildComponent(Document, Locate(path), config);

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
