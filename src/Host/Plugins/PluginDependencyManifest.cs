using System.Text.Json;

namespace ImageClassifier.Hosting.Plugins;

/// <summary>
/// A plugin's <c>&lt;main&gt;.deps.json</c>, as far as the host needs it: the libraries of its runtime
/// target (<c>targets</c>, picked by <c>runtimeTarget.name</c>), each with the managed assemblies of its
/// <c>runtime</c> section and the names in its <c>dependencies</c>. Native and RID-specific assets
/// (<c>native</c>, <c>runtimeTargets</c>) are left to the loader.
/// </summary>
internal sealed class PluginDependencyManifest
{
    /// <summary>What follows a main assembly's name in its manifest's file name.</summary>
    public const string Extension = ".deps.json";

    private const string AssemblyExtension = ".dll";

    private PluginDependencyManifest(string path, IReadOnlyDictionary<string, PluginDependencyLibrary> libraries)
    {
        Path = path;
        Libraries = libraries;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The runtime target's libraries by name (case ignored).</summary>
    public IReadOnlyDictionary<string, PluginDependencyLibrary> Libraries { get; }

    /// <summary>The manifest beside <paramref name="mainAssemblyPath"/>; null when there is none, as for a bare DLL copied on its own.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, or not shaped as the .NET SDK writes it; the message names the file and the member.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static PluginDependencyManifest? ReadBeside(string mainAssemblyPath)
    {
        var path = System.IO.Path.ChangeExtension(mainAssemblyPath, null) + Extension;
        if (!File.Exists(path))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            return new PluginDependencyManifest(path, ReadLibraries(path, document.RootElement));
        }
    }

    /// <summary>
    /// The libraries <paramref name="rootLibrary"/> needs, itself first, following each library's
    /// dependencies; every library when the manifest does not list <paramref name="rootLibrary"/>.
    /// </summary>
    public IReadOnlyList<PluginDependencyLibrary> ClosureOf(string rootLibrary)
    {
        if (!Libraries.TryGetValue(rootLibrary, out var root))
        {
            return [.. Libraries.Values];
        }

        var closure = new List<PluginDependencyLibrary>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<PluginDependencyLibrary>([root]);
        while (pending.TryDequeue(out var library))
        {
            if (!seen.Add(library.Name))
            {
                continue;
            }

            closure.Add(library);
            foreach (var dependency in library.Dependencies)
            {
                // A dependency with no entry of its own (a framework reference) adds no assemblies.
                if (Libraries.TryGetValue(dependency, out var next))
                {
                    pending.Enqueue(next);
                }
            }
        }

        return closure;
    }

    private static Dictionary<string, PluginDependencyLibrary> ReadLibraries(string path, JsonElement root)
    {
        Expect(path, root, "$", JsonValueKind.Object, "an object");
        var libraries = new Dictionary<string, PluginDependencyLibrary>(StringComparer.OrdinalIgnoreCase);
        if (!root.TryGetProperty("targets", out var targets))
        {
            return libraries;
        }

        Expect(path, targets, "$.targets", JsonValueKind.Object, "an object of runtime targets");
        var targetName = root.TryGetProperty("runtimeTarget", out var runtimeTarget)
            && runtimeTarget.ValueKind == JsonValueKind.Object
            && runtimeTarget.TryGetProperty("name", out var name)
            && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;

        // The SDK writes the named target first; without a name, the first is the one it means.
        var target = targets.EnumerateObject().FirstOrDefault(candidate => targetName is null || candidate.Name == targetName);
        if (target.Value.ValueKind == JsonValueKind.Undefined)
        {
            return libraries;
        }

        var targetPath = $"$.targets['{target.Name}']";
        Expect(path, target.Value, targetPath, JsonValueKind.Object, "an object of libraries");
        foreach (var entry in target.Value.EnumerateObject())
        {
            var library = ReadLibrary(path, $"{targetPath}['{entry.Name}']", entry);
            libraries.TryAdd(library.Name, library);
        }

        return libraries;
    }

    private static PluginDependencyLibrary ReadLibrary(string path, string entryPath, JsonProperty entry)
    {
        Expect(path, entry.Value, entryPath, JsonValueKind.Object, "an object");
        var slash = entry.Name.LastIndexOf('/');
        if (slash <= 0)
        {
            throw new InvalidDataException($"'{path}': {entryPath}: a library is named \"name/version\", such as \"GoodPlugin.Helpers/1.0.0\".");
        }

        var assemblies = new List<PluginDependencyAsset>();
        if (entry.Value.TryGetProperty("runtime", out var runtime))
        {
            Expect(path, runtime, entryPath + ".runtime", JsonValueKind.Object, "an object of runtime assets");
            foreach (var asset in runtime.EnumerateObject().Where(asset => asset.Name.EndsWith(AssemblyExtension, StringComparison.OrdinalIgnoreCase)))
            {
                assemblies.Add(ReadAsset(asset));
            }
        }

        var dependencies = new List<string>();
        if (entry.Value.TryGetProperty("dependencies", out var dependencyList))
        {
            Expect(path, dependencyList, entryPath + ".dependencies", JsonValueKind.Object, "an object of library names and versions");
            dependencies.AddRange(dependencyList.EnumerateObject().Select(dependency => dependency.Name));
        }

        return new PluginDependencyLibrary(entry.Name[..slash], entry.Name[(slash + 1)..], assemblies, dependencies);
    }

    private static PluginDependencyAsset ReadAsset(JsonProperty asset)
    {
        Version? version = null;
        if (asset.Value.ValueKind == JsonValueKind.Object
            && asset.Value.TryGetProperty("assemblyVersion", out var recorded)
            && recorded.ValueKind == JsonValueKind.String
            && Version.TryParse(recorded.GetString(), out var parsed))
        {
            version = parsed;
        }

        // The SDK copies a package's lib/<tfm>/ assets flat into the output, and the loader looks
        // for them there by file name; other assets keep their folders.
        var relative = asset.Name.StartsWith("lib/", StringComparison.OrdinalIgnoreCase)
            ? System.IO.Path.GetFileName(asset.Name)
            : asset.Name.Replace('/', System.IO.Path.DirectorySeparatorChar);
        return new PluginDependencyAsset(System.IO.Path.GetFileNameWithoutExtension(asset.Name), relative, version);
    }

    private static void Expect(string path, JsonElement element, string jsonPath, JsonValueKind kind, string expected)
    {
        if (element.ValueKind != kind)
        {
            throw new InvalidDataException($"'{path}': {jsonPath} is {Describe(element.ValueKind)}, but the .NET SDK writes {expected} there.");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
