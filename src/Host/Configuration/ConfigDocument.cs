using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// A fully merged config (<c>_base_</c> files and <c>--cfg-options</c> applied, <c>_base_</c> and
/// <c>_delete_</c> gone) whose every node still knows the file, line and column that set it.
/// </summary>
public sealed class ConfigDocument
{
    private readonly ImmutableDictionary<string, string> chains;

    internal ConfigDocument(ConfigObject root, string rootPath, ImmutableArray<string> files, ImmutableDictionary<string, string> chains, ConfigReaderLimits limits)
    {
        Root = root;
        RootPath = rootPath;
        Files = files;
        this.chains = chains;
        Limits = limits;
    }

    /// <summary>The merged top-level object.</summary>
    public ConfigObject Root { get; }

    /// <summary>The loaded file, as it was named.</summary>
    public string RootPath { get; }

    /// <summary>Every file read, bases before the files that name them; the loaded file last.</summary>
    public ImmutableArray<string> Files { get; }

    /// <summary>The limits the config was read with (also applied to later overrides).</summary>
    public ConfigReaderLimits Limits { get; }

    /// <summary>Applies <c>--cfg-options</c> in order (a later one wins over an earlier one).</summary>
    /// <exception cref="ConfigException">An override conflicts with the config (object over a number, index out of range...).</exception>
    public ConfigDocument WithOverrides(IEnumerable<ConfigOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var root = Root;
        foreach (var option in overrides)
        {
            root = ConfigMerger.ApplyOverride(root, option);
        }

        return new ConfigDocument(root, RootPath, Files, chains, Limits);
    }

    /// <summary>The merged config as JSON: indented (two spaces, short scalar lists on one line) or compact.</summary>
    public string ToJsonString(bool indented = true) => ConfigJsonWriter.Write(Root, indented, annotate: false);

    /// <summary>The merged config as indented JSON with a <c>// file:line:col</c> comment after each value naming where it was set.</summary>
    public string ToAnnotatedJsonString() => ConfigJsonWriter.Write(Root, indented: true, annotate: true);

    /// <summary>
    /// The merged config as a System.Text.Json node tree for the typed binding; numbers keep
    /// their literal text (<c>10</c> and <c>10.0</c> stay different).
    /// </summary>
    public JsonObject ToJsonNode()
    {
        var options = new JsonDocumentOptions { MaxDepth = Math.Max(64, Limits.MaxDepth + 1) };
        return JsonNode.Parse(ToJsonString(indented: false), documentOptions: options)!.AsObject();
    }

    /// <summary>Finds the node at a JSON path (<c>$.model.backbone.depth</c>, <c>$.pipeline[0]</c>, <c>$['a b']</c>).</summary>
    public bool TryGetNode(string jsonPath, out ConfigNode node)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        node = null!;
        if (!ConfigJsonPath.TryParse(jsonPath, out var segments))
        {
            return false;
        }

        var (found, depth, _) = Walk(segments);
        if (depth != segments.Count)
        {
            return false;
        }

        node = found;
        return true;
    }

    /// <summary>Where the value at <paramref name="jsonPath"/> was written.</summary>
    public bool TryGetLocation(string jsonPath, out SourceLocation location)
    {
        var found = TryGetNode(jsonPath, out var node);
        location = found ? node.Location : default;
        return found;
    }

    /// <summary>Where the member name at <paramref name="jsonPath"/> (which must end with a member) was written.</summary>
    public bool TryGetNameLocation(string jsonPath, out SourceLocation location)
    {
        location = default;
        if (!ConfigJsonPath.TryParse(jsonPath, out var segments) || segments.Count == 0)
        {
            return false;
        }

        var (_, depth, lastMember) = Walk(segments);
        if (depth != segments.Count || lastMember is null)
        {
            return false;
        }

        location = lastMember.NameLocation;
        return true;
    }

    /// <summary>The <c>_base_</c> chain through which a file was first reached (<c>a.json -> base.json</c>), or null.</summary>
    public string? GetInheritanceChain(string file) => chains.GetValueOrDefault(file);

    /// <summary>
    /// An error about the value at <paramref name="jsonPath"/> (for the typed binding), located
    /// where that value was set, or at its nearest existing parent when it is missing. When the
    /// value came from a base file, the message says so and names the chain.
    /// </summary>
    public ConfigException CreateException(string jsonPath, string detail)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        var location = Root.Location;
        if (ConfigJsonPath.TryParse(jsonPath, out var segments))
        {
            location = Walk(segments).Node.Location;
        }

        if (!location.IsCommandLine && location.Path != RootPath && chains.TryGetValue(location.Path, out var chain))
        {
            detail += $" (inherited via {chain})";
        }

        return new ConfigException(location, jsonPath, detail);
    }

    /// <summary>Follows <paramref name="segments"/> as far as they go.</summary>
    private (ConfigNode Node, int Depth, ConfigMember? LastMember) Walk(List<ConfigJsonPathSegment> segments)
    {
        ConfigNode node = Root;
        ConfigMember? lastMember = null;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var name = segment.Name ?? segment.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (node is ConfigObject obj && obj.TryGetMember(name, out var member))
            {
                node = member.Value;
                lastMember = member;
            }
            else if (node is ConfigArray array
                && int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                && index < array.Items.Length)
            {
                node = array.Items[index];
                lastMember = null;
            }
            else
            {
                return (node, i, lastMember);
            }
        }

        return (node, segments.Count, lastMember);
    }
}
