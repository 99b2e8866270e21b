using System.Runtime.Loader;
using System.Text.Json.Nodes;
using ImageClassifier.Hosting.Plugins;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary>
/// A plugin's whole dependency closure, resolved when it loads: a dependency that is missing, older
/// than the plugin was built against, or shared by the host at an older version fails the plugin
/// then, naming the assembly, rather than a component build later.
/// </summary>
public sealed class PluginDependencyResolverTests : IDisposable
{
    private const string Helpers = "GoodPlugin.Helpers";

    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void A_good_plugin_loads_its_private_dependency_into_its_own_context_when_it_loads()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);

        var host = CreateHost(folder);

        // Nothing of the plugin has been built: the helper is there because the closure was loaded.
        var plugin = host.Plugins.Find(Good)!;
        Assert.Equal(PluginStatus.Loaded, plugin.Status);
        var context = AssemblyLoadContext.GetLoadContext(plugin.Assembly!)!;
        var helper = Assert.Single(context.Assemblies, assembly => assembly.GetName().Name == Helpers);
        Assert.Equal(Path.Combine(pluginFolder, Helpers + ".dll"), helper.Location);
    }

    [Fact]
    public void A_dependency_used_only_inside_a_component_fails_the_plugin_at_load_not_at_build()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);
        var missing = Path.Combine(pluginFolder, Helpers + ".dll");
        File.Delete(missing);

        var host = CreateHost(folder);

        var failed = AssertFailedAtDependencies(host, Good);
        Assert.Contains($"it needs assembly '{Helpers}' 1.0.0.0 (referenced by GoodPlugin 1.0.0.0), which is missing: '{missing}' does not exist", failed.Reason);
        Assert.False(host.Catalog.TryFind("ScaledPooling", out _));
    }

    [Fact]
    public void A_dependency_older_than_the_plugin_was_built_against_is_a_conflict_naming_both_versions()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);
        var older = Path.Combine(pluginFolder, Helpers + ".dll");
        File.Delete(older);
        MetadataOnlyAssembly.Write(older, Helpers, new Version(0, 9, 0, 0), componentProvider: false);

        var host = CreateHost(folder);

        var failed = AssertFailedAtDependencies(host, Good);
        Assert.Contains(
            $"it needs assembly '{Helpers}' 1.0.0.0 (referenced by GoodPlugin 1.0.0.0), but '{older}' is version 0.9.0.0, which is older",
            failed.Reason);
    }

    [Fact]
    public void A_dependency_older_than_its_deps_json_records_is_a_conflict()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);
        var manifest = Path.Combine(pluginFolder, "GoodPlugin.deps.json");
        AddListedLibrary(manifest, "Extra", "2.0.0.0");
        MetadataOnlyAssembly.Write(Path.Combine(pluginFolder, "Extra.dll"), "Extra", new Version(1, 5, 0, 0), componentProvider: false);

        var failed = AssertFailedAtDependencies(CreateHost(folder), Good);

        Assert.Contains($"it needs assembly 'Extra' 2.0.0.0 (listed for Extra 1.0.0 in GoodPlugin.deps.json), but '{Path.Combine(pluginFolder, "Extra.dll")}' is version 1.5.0.0, which is older", failed.Reason);
    }

    [Fact]
    public void An_assembly_the_deps_json_lists_but_nothing_references_must_be_shipped_too()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);
        AddListedLibrary(Path.Combine(pluginFolder, "GoodPlugin.deps.json"), "Extra", "1.0.0.0");

        var failed = AssertFailedAtDependencies(CreateHost(folder), Good);

        Assert.Contains(
            $"it needs assembly 'Extra' 1.0.0.0 (listed for Extra 1.0.0 in GoodPlugin.deps.json), which is missing: '{Path.Combine(pluginFolder, "Extra.dll")}' does not exist",
            failed.Reason);
    }

    [Fact]
    public void A_shared_assembly_the_plugin_needs_newer_than_the_host_has_is_a_conflict()
    {
        var folder = _sandbox.Folder("plugins");
        var hostVersion = typeof(ImageClassifier.Data.Datasets.Dataset).Assembly.GetName().Version!;
        var wanted = new Version(hostVersion.Major, hostVersion.Minor + 1, 0, 0);
        MetadataOnlyAssembly.Write(Path.Combine(folder, "Ahead", "Ahead.dll"), "Ahead", new Version(1, 0, 0, 0), componentProvider: true, ("ImageClassifier.Data", wanted));

        var failed = AssertFailedAtDependencies(CreateHost(folder), "Ahead");

        Assert.Contains(
            $"it needs assembly 'ImageClassifier.Data' {wanted} (referenced by Ahead 1.0.0.0), but the host shares 'ImageClassifier.Data' {hostVersion} with its plugins, which is older",
            failed.Reason);
    }

    [Fact]
    public void Every_problem_of_the_closure_is_named_in_one_paragraph()
    {
        var folder = _sandbox.Folder("plugins");
        MetadataOnlyAssembly.Write(
            Path.Combine(folder, "Needy", "Needy.dll"),
            "Needy",
            new Version(1, 0, 0, 0),
            componentProvider: true,
            ("Needy.First", new Version(1, 0, 0, 0)),
            ("Needy.Second", new Version(3, 0, 0, 0)));
        MetadataOnlyAssembly.Write(Path.Combine(folder, "Needy", "Needy.Second.dll"), "Needy.Second", new Version(2, 0, 0, 0), componentProvider: false);

        var failed = AssertFailedAtDependencies(CreateHost(folder), "Needy");

        Assert.Contains("'Needy.First' 1.0.0.0 (referenced by Needy 1.0.0.0), which is missing", failed.Reason);
        Assert.Contains("'Needy.Second' 3.0.0.0 (referenced by Needy 1.0.0.0), but", failed.Reason);
        Assert.Contains("is version 2.0.0.0, which is older", failed.Reason);
        Assert.DoesNotContain('\n', failed.Reason!);
    }

    [Fact]
    public void A_dependency_of_a_dependency_is_resolved_too()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = Path.Combine(folder, "Deep");
        MetadataOnlyAssembly.Write(Path.Combine(pluginFolder, "Deep.dll"), "Deep", new Version(1, 0, 0, 0), componentProvider: true, ("Deep.Middle", new Version(1, 0, 0, 0)));
        MetadataOnlyAssembly.Write(Path.Combine(pluginFolder, "Deep.Middle.dll"), "Deep.Middle", ("Deep.Bottom", new Version(4, 2, 0, 0)));

        var failed = AssertFailedAtDependencies(CreateHost(folder), "Deep");

        Assert.Contains(
            $"it needs assembly 'Deep.Bottom' 4.2.0.0 (referenced by Deep.Middle 1.0.0.0), which is missing: '{Path.Combine(pluginFolder, "Deep.Bottom.dll")}' does not exist",
            failed.Reason);
    }

    [Fact]
    public void A_runtime_assembly_the_plugin_needs_newer_than_this_dotnet_has_is_a_conflict()
    {
        var folder = _sandbox.Folder("plugins");
        MetadataOnlyAssembly.Write(Path.Combine(folder, "Tarball", "Tarball.dll"), "Tarball", new Version(1, 0, 0, 0), componentProvider: true, ("System.Formats.Tar", new Version(99, 0, 0, 0)));

        var failed = AssertFailedAtDependencies(CreateHost(folder), "Tarball");

        Assert.Contains("it needs assembly 'System.Formats.Tar' 99.0.0.0 (referenced by Tarball 1.0.0.0), but the .NET runtime this host runs on has 'System.Formats.Tar' ", failed.Reason);
    }

    [Fact]
    public void A_dependency_file_that_is_not_an_assembly_or_is_another_assembly_is_named()
    {
        var folder = _sandbox.Folder("plugins");
        var corrupt = Path.Combine(AddPlugin(folder, Good), Helpers + ".dll");
        File.Delete(corrupt);
        WriteCorruptAssembly(corrupt);
        var impostor = Path.Combine(AddPlugin(folder, Good, folderName: "GoodCopy"), Helpers + ".dll");
        File.Delete(impostor);
        MetadataOnlyAssembly.Write(impostor, "SomethingElse");

        var host = CreateHost(folder);

        Assert.Contains($"it needs assembly '{Helpers}' (referenced by GoodPlugin 1.0.0.0), but '{corrupt}' is not a readable .NET assembly (", AssertFailedAtDependencies(host, Good).Reason);
        Assert.Contains($"it needs assembly '{Helpers}' (referenced by GoodPlugin 1.0.0.0), but '{impostor}' holds assembly 'SomethingElse'", AssertFailedAtDependencies(host, "GoodCopy").Reason);
    }

    [Fact]
    public void A_dependency_whose_files_pass_but_that_cannot_be_loaded_fails_the_plugin_at_loading_naming_it()
    {
        var folder = _sandbox.Folder("plugins");
        var helper = Path.Combine(AddPlugin(folder, Good), Helpers + ".dll");
        File.Delete(helper);
        MetadataOnlyAssembly.WriteReferenceAssembly(helper, Helpers, new Version(1, 0, 0, 0));

        var host = CreateHost(folder);

        var failed = host.Plugins.Find(Good)!;
        Assert.Equal((PluginStatus.Failed, PluginLoadStage.Loading), (failed.Status, failed.FailedStage));
        Assert.StartsWith($"plugin 'GoodPlugin' could not load its dependency '{Helpers}' 1.0.0.0 from '{helper}' into its load context: ", failed.Reason);
        Assert.EndsWith("(BadImageFormatException).", failed.Reason);
        Assert.False(host.Catalog.TryFind("ScaledPooling", out _));
    }

    [Fact]
    public void A_deps_json_that_is_not_json_fails_the_plugin_naming_the_file()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);
        var manifest = Path.Combine(pluginFolder, "GoodPlugin.deps.json");
        File.WriteAllText(manifest, "{ \"targets\": [ }");

        var failed = AssertFailedAtDependencies(CreateHost(folder), Good);

        Assert.Contains($"its dependency manifest cannot be read ('{manifest}' is not valid JSON", failed.Reason);
    }

    [Fact]
    public void A_bare_plugin_without_its_dependency_beside_it_fails_naming_where_it_was_looked_for()
    {
        var folder = _sandbox.Folder("plugins");
        AddBareFiles(folder, Good, "GoodPlugin.dll");

        var failed = AssertFailedAtDependencies(CreateHost(folder), Good);

        Assert.Contains($"which is missing: '{Path.Combine(folder, Helpers + ".dll")}' does not exist", failed.Reason);
    }

    private static PluginLoadResult AssertFailedAtDependencies(ImageClassifierHost host, string name)
    {
        var plugin = host.Plugins.Find(name);
        Assert.NotNull(plugin);
        Assert.Equal(PluginStatus.Failed, plugin.Status);
        Assert.Equal(PluginLoadStage.Dependencies, plugin.FailedStage);
        Assert.StartsWith($"plugin '{name}' cannot be loaded because of its dependencies: ", plugin.Reason);
        Assert.Null(plugin.Assembly);
        Assert.Empty(plugin.Components);
        return plugin;
    }

    // Adds "Extra/1.0.0" with the runtime asset Extra.dll to the runtime target and makes the plugin's
    // own library depend on it, as a package reference the code never touches would.
    private static void AddListedLibrary(string manifest, string name, string assemblyVersion)
    {
        var document = JsonNode.Parse(File.ReadAllText(manifest))!;
        var target = document["targets"]![document["runtimeTarget"]!["name"]!.GetValue<string>()]!.AsObject();
        var plugin = target["GoodPlugin/1.0.0"]!.AsObject();
        plugin["dependencies"]![name] = "1.0.0";
        target[$"{name}/1.0.0"] = new JsonObject
        {
            ["runtime"] = new JsonObject { [$"lib/net10.0/{name}.dll"] = new JsonObject { ["assemblyVersion"] = assemblyVersion } },
        };
        File.WriteAllText(manifest, document.ToJsonString());
    }
}
