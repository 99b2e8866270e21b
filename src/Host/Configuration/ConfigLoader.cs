using System.Collections.Immutable;
using ImageClassifier.Shared.Text;

namespace ImageClassifier.Hosting.Configuration;

/// <summary>
/// Loads a config file with mmengine's inheritance: <c>_base_</c> files first (paths relative to
/// the file naming them), the file's own members merged onto them, then <c>--cfg-options</c>.
/// </summary>
/// <remarks>
/// Rules, and where we are stricter than mmengine (each of these is a silent trap there):
/// <list type="bullet">
/// <item>Two bases of one file may not define the same top-level key (as in mmengine).</item>
/// <item>An object over an inherited non-object is an error unless it has <c>"_delete_": true</c>
/// (as in mmengine, whose own error suggests <c>_delete_</c>); with it, the object replaces the
/// inherited value, whatever its kind.</item>
/// <item><c>"_delete_"</c> must be <c>true</c> or <c>false</c> (mmengine takes any truthy value),
/// is not allowed at the top level, and <c>true</c> where nothing is inherited is an error
/// (mmengine leaves the key in the dict, where the component later fails on an unexpected
/// <c>_delete_</c> argument).</item>
/// <item><c>_base_</c> is only allowed at the top level, must be a string or a list of strings,
/// and may not use mmengine's <c>package::path</c> scope or name a .py/.yaml config.</item>
/// <item>A base that is missing, a cycle, or a chain deeper than
/// <see cref="ConfigReaderLimits.MaxInheritanceDepth"/> is an error naming the chain.</item>
/// </list>
/// </remarks>
public sealed class ConfigLoader
{
    private readonly ConfigReaderLimits limits;
    private readonly bool displayRelative;
    private readonly Dictionary<string, ConfigObject> loaded = new(StringComparer.Ordinal);
    private readonly List<(string FullPath, string DisplayPath)> stack = [];
    private readonly ImmutableArray<string>.Builder files = ImmutableArray.CreateBuilder<string>();
    private readonly ImmutableDictionary<string, string>.Builder chains = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);

    private ConfigLoader(ConfigReaderLimits limits, bool displayRelative)
    {
        this.limits = limits;
        this.displayRelative = displayRelative;
    }

    /// <summary>Loads <paramref name="path"/> with its bases, then applies <paramref name="cfgOptions"/>.</summary>
    /// <param name="path">The config file; errors and locations name it as given, and its bases relative to the current directory when it is relative.</param>
    /// <param name="cfgOptions">The <c>--cfg-options</c> arguments (<c>key.path=value</c>), applied in order; null for none.</param>
    /// <param name="limits">Size, depth and inheritance limits; <see cref="ConfigReaderLimits.Default"/> when null.</param>
    /// <exception cref="ConfigException">Anything wrong with the files, their merge or the options.</exception>
    public static ConfigDocument Load(string path, IEnumerable<string>? cfgOptions = null, ConfigReaderLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits ??= ConfigReaderLimits.Default;
        var loader = new ConfigLoader(limits, !Path.IsPathRooted(path));
        var root = loader.LoadFile(Path.GetFullPath(path), path, reference: null, referencePath: null);
        var document = new ConfigDocument(root, path, loader.files.ToImmutable(), loader.chains.ToImmutable(), limits);
        return cfgOptions is null ? document : document.WithOverrides(ConfigOverride.ParseAll(cfgOptions, limits));
    }

    private ConfigObject LoadFile(string fullPath, string displayPath, SourceLocation? reference, string? referencePath)
    {
        if (reference is { } at)
        {
            var cycleStart = stack.FindIndex(entry => entry.FullPath == fullPath);
            if (cycleStart >= 0)
            {
                throw new ConfigException(at, referencePath, $"inheritance cycle: {Chain(cycleStart, displayPath)}");
            }

            if (stack.Count >= limits.MaxInheritanceDepth)
            {
                throw new ConfigException(at, referencePath, $"the _base_ chain is deeper than {limits.MaxInheritanceDepth} files: {Chain(0, displayPath)}");
            }

            if (loaded.TryGetValue(fullPath, out var cached))
            {
                return cached;
            }

            if (ConfigFileKind.DescribeIfNotRegular(fullPath) is { } kind)
            {
                throw new ConfigException(at, referencePath, $"base config {displayPath} is {kind}, not a regular file: {Chain(0, displayPath)}; a config must be a regular file");
            }

            if (!File.Exists(fullPath))
            {
                throw new ConfigException(at, referencePath, $"base config not found: {Chain(0, displayPath)} (no file at {fullPath})");
            }
        }

        ConfigNode node;
        try
        {
            node = ConfigJsonReader.ReadFile(displayPath, limits);
        }
        catch (ConfigException exception) when (reference is not null)
        {
            throw new ConfigException(exception.Location, exception.JsonPath, $"{exception.Detail} (in a base config reached via {Chain(0, displayPath)})", exception);
        }

        if (node is not ConfigObject file)
        {
            throw new ConfigException(node.Location, "$", ConfigMessages.TopLevelNotAnObject(node.KindDescription));
        }

        if (file.TryGetMember(ConfigKeys.Delete, out var topDelete))
        {
            throw new ConfigException(
                topDelete.NameLocation,
                "$",
                ConfigMessages.DeleteAtTopLevel);
        }

        stack.Add((fullPath, displayPath));
        chains.TryAdd(displayPath, Chain(0, null));
        var bases = ReadBaseEntries(file);
        var own = file;
        if (file.TryGetMember(ConfigKeys.Base, out _))
        {
            own = new ConfigObject(file.Members.RemoveAll(member => member.Name == ConfigKeys.Base), file.Location);
        }

        ConfigObject merged;
        if (bases.Count == 0)
        {
            merged = (ConfigObject)ConfigMerger.Fresh(own, ConfigJsonPath.Root, insideArray: false);
        }
        else
        {
            var inherited = CombineBases(fullPath, file, bases);
            merged = ConfigMerger.MergeInto(own, inherited, ConfigJsonPath.Root);
        }

        stack.RemoveAt(stack.Count - 1);
        loaded[fullPath] = merged;
        files.Add(displayPath);
        return merged;
    }

    /// <summary>Loads each base and puts their top-level members side by side; a key defined by two bases is an error.</summary>
    private ConfigObject CombineBases(string fullPath, ConfigObject file, List<(ConfigString Entry, string JsonPath)> bases)
    {
        var members = ImmutableArray.CreateBuilder<ConfigMember>();
        var owners = new Dictionary<string, (ConfigMember Member, string File)>(StringComparer.Ordinal);
        var directory = Path.GetDirectoryName(fullPath)!;
        foreach (var (entry, jsonPath) in bases)
        {
            var baseFullPath = Path.GetFullPath(Path.Combine(directory, entry.Value));
            var baseDisplayPath = Display(baseFullPath);
            var baseConfig = LoadFile(baseFullPath, baseDisplayPath, entry.Location, jsonPath);
            foreach (var member in baseConfig.Members)
            {
                if (owners.TryGetValue(member.Name, out var owner))
                {
                    throw new ConfigException(
                        entry.Location,
                        jsonPath,
                        $"bases {owner.File} and {baseDisplayPath} both define \"{member.Name}\" (at {owner.Member.NameLocation} and {member.NameLocation}); a top-level key may come from only one base");
                }

                owners.Add(member.Name, (member, baseDisplayPath));
                members.Add(member);
            }
        }

        return new ConfigObject(members.ToImmutable(), file.Location);
    }

    private static List<(ConfigString Entry, string JsonPath)> ReadBaseEntries(ConfigObject file)
    {
        var entries = new List<(ConfigString, string)>();
        if (!file.TryGetValue(ConfigKeys.Base, out var value))
        {
            return entries;
        }

        var basePath = ConfigJsonPath.Root.Member(ConfigKeys.Base);
        switch (value)
        {
            case ConfigString single:
                entries.Add((CheckBasePath(single, basePath.ToString()), basePath.ToString()));
                break;
            case ConfigArray list:
                for (var i = 0; i < list.Items.Length; i++)
                {
                    var itemPath = basePath.Item(i).ToString();
                    if (list.Items[i] is not ConfigString item)
                    {
                        throw new ConfigException(
                            list.Items[i].Location,
                            itemPath,
                            ConfigMessages.BaseItemNotAPath(list.Items[i].KindDescription));
                    }

                    entries.Add((CheckBasePath(item, itemPath), itemPath));
                }

                break;
            default:
                throw new ConfigException(
                    value.Location,
                    basePath.ToString(),
                    ConfigMessages.BaseNotPaths(value.KindDescription));
        }

        return entries;
    }

    private static ConfigString CheckBasePath(ConfigString entry, string jsonPath) =>
        ConfigMessages.BasePathProblem(entry.Value) is { } problem ? throw new ConfigException(entry.Location, jsonPath, problem) : entry;

    private string Display(string fullPath) =>
        displayRelative ? Path.GetRelativePath(Directory.GetCurrentDirectory(), fullPath) : fullPath;

    private string Chain(int from, string? last)
    {
        var names = stack.Skip(from).Select(entry => entry.DisplayPath);
        return string.Join(" -> ", last is null ? names : names.Append(last));
    }
}
