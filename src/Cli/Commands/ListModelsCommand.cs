using System.CommandLine;
using ImageClassifier.Hosting.Catalog;
using Spectre.Console;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls list-models [PATTERN] [--kind K] [--params] [--json]</c>: the registered components, as a
/// table or JSON, with the archs each offers (<see cref="ComponentArch"/>) and, with --params, each
/// arch's parameter count.
/// </summary>
internal sealed class ListModelsCommand : Command
{
    private readonly CommandContext _context;

    private readonly Argument<string?> _pattern = new("PATTERN")
    {
        Description = "Only names or aliases matching this pattern: '*' any run of characters, '?' one; case is ignored.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string?> _kind = new("--kind", "-k")
    {
        Description = "Only components of this kind: backbone, neck, head, loss, or a kind a plugin declares.",
        HelpName = "KIND",
    };

    private readonly Option<bool> _params = new("--params")
    {
        Description = "Build every arch listed and show its parameter count (slow for the large ones).",
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Write JSON (snake_case keys) instead of a table.",
    };

    public ListModelsCommand(CommandContext context)
        : base("list-models", "List the registered components: backbones, necks, heads, losses and plugin kinds.")
    {
        _context = context;
        Arguments.Add(_pattern);
        CommandContext.RejectOptionLikeValues(_pattern);
        Options.Add(_kind);
        Options.Add(_params);
        Options.Add(_json);
        SetAction(parseResult => _context.Run(parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var pattern = parseResult.GetValue(_pattern);
        var catalog = _context.Catalog;
        var kind = parseResult.GetValue(_kind) is { } asked ? catalog.ResolveKind(asked) : null;
        var components = catalog.List(pattern, kind);
        var counted = parseResult.GetValue(_params);
        var archs = components.ToDictionary(
            component => component,
            component => ComponentArch.Of(component).Select(arch => new ComponentArchJson(arch.Label, counted ? arch.CountParameters(catalog) : null)).ToArray());

        if (parseResult.GetValue(_json))
        {
            var entries = components.Select(component => ToJson(component, archs[component])).ToArray();
            _context.WriteJson(new ComponentListJson(string.IsNullOrEmpty(pattern) ? null : pattern, kind, entries.Length, entries));
            return ExitCodes.Ok;
        }

        var console = _context.CreateConsole();
        if (components.Count == 0)
        {
            console.WriteLine(EmptyNote(catalog, pattern, kind));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumn("Kind").AddColumn("Name").AddColumn("Aliases").AddColumn("Archs").AddColumn("Origin").AddColumn("Summary");
        foreach (var component in components)
        {
            table.AddRow(
                new Text(component.Kind),
                new Text(component.Name, new Style(decoration: Decoration.Bold)),
                new Text(string.Join(", ", component.Aliases)),
                new Text(string.Join(", ", archs[component].Select(arch => arch.Parameters is { } count ? $"{arch.Name} ({count / 1e6:F1}M)" : arch.Name))),
                new Text(component.Source.Origin),
                new Text(component.Descriptor.Summary ?? string.Empty));
        }

        console.Write(table);
        var filtered = components.Count == catalog.Count ? string.Empty : $" (of {catalog.Count} registered)";
        console.WriteLine($"{components.Count} component{(components.Count == 1 ? string.Empty : "s")}{filtered}.");
        return ExitCodes.Ok;
    }

    private static ComponentListEntryJson ToJson(ComponentRegistration registration, IReadOnlyList<ComponentArchJson> archs)
    {
        var description = ComponentCatalog.Describe(registration);
        return new ComponentListEntryJson(
            description.Name,
            description.Kind,
            description.Aliases,
            description.Summary,
            description.ComponentType,
            description.ConfigType,
            description.Origin,
            description.AssemblyName,
            description.AssemblyVersion,
            archs);
    }

    private static string EmptyNote(ComponentCatalog catalog, string? pattern, string? kind)
    {
        if (catalog.Count == 0)
        {
            var kinds = string.Join(", ", catalog.Kinds.Select(known => known.Name));
            return $"No components are registered yet (known kinds: {(kinds.Length == 0 ? "none" : kinds)}).";
        }

        var where = kind is null ? string.Empty : $" of kind '{kind}'";
        if (string.IsNullOrEmpty(pattern))
        {
            return $"No component{where} is registered.";
        }

        var hint = pattern.AsSpan().IndexOfAny('*', '?') >= 0
            ? string.Empty
            : $" Patterns match whole names; try '*{pattern}*'.";
        return $"No component{where} matches '{pattern}'.{hint}";
    }
}
