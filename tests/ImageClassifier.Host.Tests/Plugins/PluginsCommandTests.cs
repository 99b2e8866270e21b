using System.Text.Json;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Cli.Commands;
using ImageClassifier.Hosting.Tests.TestHelpers;
using static ImageClassifier.Hosting.Tests.Plugins.PluginSandbox;

namespace ImageClassifier.Hosting.Tests.Plugins;

/// <summary><c>icls plugins</c>, and <c>--plugins DIR</c> on the other commands, run in-process.</summary>
public sealed class PluginsCommandTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Json_lists_loaded_and_failed_plugins_with_their_reasons()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        AddPlugin(folder, WrongAbstractions);

        var run = CliRun.Invoke(BuiltInComponents.CreateCatalog, "plugins", "--json", "--plugins", folder);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Empty(run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("loaded").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        var directory = Assert.Single(root.GetProperty("directories").EnumerateArray());
        Assert.Equal(folder, directory.GetProperty("path").GetString());
        Assert.Equal("explicit", directory.GetProperty("source").GetString());
        Assert.True(directory.GetProperty("exists").GetBoolean());

        var plugins = root.GetProperty("plugins").EnumerateArray().ToDictionary(plugin => plugin.GetProperty("name").GetString()!);
        var good = plugins[Good];
        Assert.Equal("loaded", good.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, good.GetProperty("stage").ValueKind);
        Assert.Equal(Path.Combine(folder, Good, "GoodPlugin.dll"), good.GetProperty("path").GetString());
        Assert.Equal("folder", good.GetProperty("layout").GetString());
        Assert.Equal("1.0.0.0", good.GetProperty("version").GetString());
        Assert.Equal(2, good.GetProperty("component_count").GetInt32());
        Assert.Equal(
            ["loss/HalfSquaredLoss", "neck/ScaledPooling"],
            good.GetProperty("components").EnumerateArray().Select(c => $"{c.GetProperty("kind").GetString()}/{c.GetProperty("name").GetString()}").Order());
        Assert.Equal(JsonValueKind.Null, good.GetProperty("reason").ValueKind);

        var wrong = plugins[WrongAbstractions];
        Assert.Equal("failed", wrong.GetProperty("status").GetString());
        Assert.Equal("compatibility", wrong.GetProperty("stage").GetString());
        Assert.Equal(0, wrong.GetProperty("component_count").GetInt32());
        Assert.StartsWith(
            "plugin 'WrongAbstractionsPlugin' was built against ImageClassifier.Abstractions 2.0.0; this host has 1.0.0.",
            wrong.GetProperty("reason").GetString());
    }

    [Fact]
    public void Text_shows_folders_a_table_and_each_reason_in_one_paragraph()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        AddPlugin(folder, ThrowingProvider);
        var absent = Path.Combine(_sandbox.Root, "absent");

        var run = CliRun.Invoke(BuiltInComponents.CreateCatalog, "plugins", "--plugins", folder, "--plugins", absent);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains($"{folder} (--plugins)", run.Output);
        Assert.Contains($"{absent} (--plugins; not found)", run.Output);
        Assert.Contains("2 plugins: 1 loaded, 1 failed.", run.Output);
        var reason = Assert.Single(run.Output.Split('\n'), line => line.StartsWith("[registration] ", StringComparison.Ordinal));
        Assert.Contains("plugin 'ThrowingProviderPlugin' failed to register its components", reason);
        Assert.Contains("No licence file", reason);
    }

    [Fact]
    public void A_plugin_with_a_missing_dependency_is_listed_failed_at_the_dependencies_stage_with_the_assembly_and_path()
    {
        var folder = _sandbox.Folder("plugins");
        var broken = AddPlugin(folder, MissingDependency);
        var library = Path.Combine(broken, "MissingDependencyPlugin.Library.dll");

        var json = CliRun.Invoke(BuiltInComponents.CreateCatalog, "plugins", "--json", "--plugins", folder);
        var text = CliRun.Invoke(BuiltInComponents.CreateCatalog, "plugins", "--plugins", folder);

        Assert.Equal(ExitCodes.Failure, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        var plugin = Assert.Single(document.RootElement.GetProperty("plugins").EnumerateArray());
        Assert.Equal("failed", plugin.GetProperty("status").GetString());
        Assert.Equal("dependencies", plugin.GetProperty("stage").GetString());
        Assert.Contains($"needs assembly 'MissingDependencyPlugin.Library' 1.0.0.0 (referenced by MissingDependencyPlugin 1.0.0.0), which is missing: '{library}' does not exist", plugin.GetProperty("reason").GetString());

        Assert.Equal(ExitCodes.Failure, text.ExitCode);
        Assert.Matches(@"MissingDependencyPlugin\s+│\s+failed", text.Output);
        var reason = Assert.Single(text.Output.Split('\n'), line => line.StartsWith("[dependencies] ", StringComparison.Ordinal));
        Assert.StartsWith("[dependencies] plugin 'MissingDependencyPlugin' cannot be loaded because of its dependencies:", reason);
        Assert.Contains(library, reason);
    }

    [Fact]
    public void Only_good_plugins_exit_zero_and_no_plugins_say_so()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        var empty = _sandbox.Folder("empty");

        var good = CliRun.Invoke(BuiltInComponents.CreateCatalog, "plugins", "--plugins", folder);
        var none = CliRun.Invoke(BuiltInComponents.CreateCatalog, "plugins", "--plugins", empty);

        Assert.Equal(ExitCodes.Ok, good.ExitCode);
        Assert.Contains("1 plugin: 1 loaded, 0 failed.", good.Output);
        Assert.Equal(ExitCodes.Ok, none.ExitCode);
        Assert.Contains("No plugins found.", none.Output);
    }

    [Fact]
    public void List_models_shows_plugin_components_with_their_origin_and_warns_about_failures()
    {
        var folder = _sandbox.Folder("plugins");
        AddPlugin(folder, Good);
        AddPlugin(folder, MissingDependency);

        var run = CliRun.Invoke(BuiltInComponents.CreateCatalog, "list-models", "--plugins", folder, "--json", "--kind", "neck");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var origins = json.RootElement.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("origin").GetString());
        Assert.Equal(Good, origins["ScaledPooling"]);
        Assert.Equal("built-in", origins["GlobalAveragePooling"]);
        var warning = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: plugin 'MissingDependencyPlugin' cannot be loaded because of its dependencies: it needs assembly 'MissingDependencyPlugin.Library' 1.0.0.0", warning);
        Assert.EndsWith("Run 'icls plugins' for the full report.", warning.TrimEnd());
    }

    [Fact]
    public void Describe_names_the_plugin_a_component_came_from()
    {
        var folder = _sandbox.Folder("plugins");
        var pluginFolder = AddPlugin(folder, Good);

        var run = CliRun.Invoke(BuiltInComponents.CreateCatalog, "--plugins", folder, "describe", "ScaledPooling", "--json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Empty(run.Error);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(Good, json.RootElement.GetProperty("origin").GetString());
        Assert.Equal("GoodPlugin", json.RootElement.GetProperty("assembly_name").GetString());
        Assert.Equal(Path.Combine(pluginFolder, "GoodPlugin.dll"), json.RootElement.GetProperty("assembly_path").GetString());
        Assert.Equal("scale", Assert.Single(json.RootElement.GetProperty("parameters").EnumerateArray()).GetProperty("json_name").GetString());
    }

    [Fact]
    public void The_plugins_option_is_repeatable_and_searched_before_the_hosts_own_folders()
    {
        var first = _sandbox.Folder("first");
        var second = _sandbox.Folder("second");
        var fromVariable = _sandbox.Folder("variable");
        var working = _sandbox.Folder("working");
        AddPlugin(second, Good);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var options = new HostOptions
        {
            CatalogFactory = BuiltInComponents.CreateCatalog,
            WorkingDirectoryPluginDirectory = working,
            DefaultPluginDirectory = null,
            ReadEnvironmentVariable = name => name == HostOptions.PluginPathVariable ? fromVariable : null,
        };

        var exitCode = CommandLineApp.Run(["plugins", "--json", "--plugins", first, "--plugins", second], output, error, options);

        Assert.Equal(ExitCodes.Ok, exitCode);
        using var json = JsonDocument.Parse(output.ToString());
        Assert.Equal(
            [$"{first}:explicit", $"{second}:explicit", $"{fromVariable}:environment_variable", $"{working}:working_directory"],
            json.RootElement.GetProperty("directories").EnumerateArray().Select(d => $"{d.GetProperty("path").GetString()}:{d.GetProperty("source").GetString()}"));
        Assert.Equal(Good, Assert.Single(json.RootElement.GetProperty("plugins").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public void Help_lists_the_plugins_command_and_option()
    {
        var run = CliRun.Invoke(BuiltInComponents.CreateCatalog, "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("plugins", run.Output);
        Assert.Contains("--plugins <DIR>", run.Output);
    }
}
