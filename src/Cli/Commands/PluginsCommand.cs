using System.CommandLine;
using System.Text.Json;
using ImageClassifier.Hosting.Plugins;
using Spectre.Console;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls plugins [--json]</c>: the plugin folders searched and every plugin found, loaded or
/// failed with its reason. Exits with <see cref="ExitCodes.Failure"/> when any plugin failed, so that
/// scripts can use it as a health check.
/// </summary>
internal sealed class PluginsCommand : Command
{
    private readonly CommandContext _context;

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Write JSON (snake_case keys) instead of text.",
    };

    public PluginsCommand(CommandContext context)
        : base("plugins", "List the plugin folders and the plugins found in them: loaded, or failed and why.")
    {
        _context = context;
        Options.Add(_json);
        SetAction(parseResult => _context.Run(parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var report = _context.Host.Plugins;
        if (parseResult.GetValue(_json))
        {
            _context.WriteJson(ToJson(report));
        }
        else
        {
            WriteText(report);
        }

        return report.Failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private void WriteText(PluginLoadReport report)
    {
        var console = _context.CreateConsole();
        console.Write(new Text("Plugin folders", new Style(decoration: Decoration.Bold)));
        console.WriteLine();
        if (report.Directories.Count == 0)
        {
            console.WriteLine("  none");
        }

        foreach (var directory in report.Directories)
        {
            var state = directory.Problem is not null ? "; " + (directory.Exists ? "unreadable" : "not found") : directory.Exists ? string.Empty : "; not found";
            console.Write(new Text($"  {directory.Path} ({PluginDiscovery.Label(directory.Source)}{state})"));
            console.WriteLine();
        }

        console.WriteLine();
        if (report.Plugins.Count == 0)
        {
            console.WriteLine("No plugins found.");
            return;
        }

        var table = new Table().AddColumn("Plugin").AddColumn("Status").AddColumn("Version").AddColumn("Components").AddColumn("Path");
        foreach (var plugin in report.Plugins)
        {
            var loaded = plugin.Status == PluginStatus.Loaded;
            table.AddRow(
                new Text(plugin.Name, new Style(decoration: Decoration.Bold)),
                new Text(loaded ? "loaded" : "failed", new Style(loaded ? Color.Green : Color.Red)),
                new Text(plugin.Version?.ToString() ?? string.Empty),
                new Text(loaded ? plugin.Components.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-"),
                new Text(plugin.Path));
        }

        console.Write(table);
        console.WriteLine($"{Count(report.Plugins.Count, "plugin")}: {report.Loaded.Count} loaded, {report.Failed.Count} failed.");

        // Reasons are long paragraphs; written straight to the output so that they are not wrapped mid-name.
        foreach (var plugin in report.Failed)
        {
            _context.Output.WriteLine();
            _context.Output.WriteLine($"[{Snake(plugin.FailedStage ?? PluginLoadStage.Loading)}] {plugin.Reason}");
        }
    }

    private static PluginListJson ToJson(PluginLoadReport report) => new(
        report.Directories.Select(directory => new PluginDirectoryJson(directory.Path, Snake(directory.Source), directory.Exists, directory.Problem)).ToArray(),
        report.Loaded.Count,
        report.Failed.Count,
        report.Plugins.Select(plugin => new PluginEntryJson(
            plugin.Name,
            Snake(plugin.Status),
            plugin.FailedStage is { } stage ? Snake(stage) : null,
            plugin.Path,
            Snake(plugin.Layout),
            plugin.Directory.Path,
            plugin.AssemblyName,
            plugin.Version?.ToString(),
            plugin.Components.Count,
            plugin.Components.Select(component => new PluginComponentJson(component.Name, component.Kind)).ToArray(),
            plugin.Reason)).ToArray());

    private static string Snake<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";
}
