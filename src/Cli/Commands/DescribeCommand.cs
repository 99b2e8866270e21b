using System.CommandLine;
using ImageClassifier.Hosting.Catalog;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ImageClassifier.Cli.Commands;

/// <summary><c>icls describe NAME [--kind K] [--json]</c>: one component, its origin and its config parameters.</summary>
internal sealed class DescribeCommand : Command
{
    private readonly CommandContext _context;

    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The registry name or an alias, e.g. ResNet_CIFAR.",
    };

    private readonly Option<string?> _kind = new("--kind", "-k")
    {
        Description = "The kind to look in, when the name exists in several.",
        HelpName = "KIND",
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Write JSON (snake_case keys) instead of text.",
    };

    public DescribeCommand(CommandContext context)
        : base("describe", "Describe one component: what it is, where it comes from and its config parameters.")
    {
        _context = context;
        Arguments.Add(_name);
        CommandContext.RejectOptionLikeValues(_name);
        Options.Add(_kind);
        Options.Add(_json);
        SetAction(parseResult => _context.Run(parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var description = _context.Catalog.Describe(parseResult.GetRequiredValue(_name), parseResult.GetValue(_kind));
        if (parseResult.GetValue(_json))
        {
            _context.WriteJson(description);
            return ExitCodes.Ok;
        }

        var console = _context.CreateConsole();
        console.Write(new Text($"{description.Name} ({description.Kind})", new Style(decoration: Decoration.Bold)));
        console.WriteLine();
        if (!string.IsNullOrWhiteSpace(description.Summary))
        {
            console.WriteLine(description.Summary);
        }

        console.WriteLine();
        console.Write(Facts(description));
        console.WriteLine();
        if (description.Parameters.Count == 0)
        {
            console.WriteLine("No parameters.");
        }
        else
        {
            console.Write(Parameters(description));
        }

        return ExitCodes.Ok;
    }

    private static Grid Facts(ComponentDescription description)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Add(string label, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), new Text(value));
            }
        }

        Add("Aliases", string.Join(", ", description.Aliases));
        Add("Component", description.ComponentType);
        Add("Config", description.ConfigType);
        Add("Kind base", description.KindType);
        Add("Derives from", description.BaseName);
        Add("Origin", description.Origin);
        Add("Assembly", description.AssemblyVersion is null ? description.AssemblyName : $"{description.AssemblyName} {description.AssemblyVersion}");
        Add("Path", description.AssemblyPath);
        foreach (var replaced in description.Replaces)
        {
            Add("Replaces", $"{replaced.ComponentType} from {replaced.AssemblyName} ({replaced.Origin})");
        }

        return grid;
    }

    private static Table Parameters(ComponentDescription description)
    {
        var table = new Table()
            .AddColumn("Parameter")
            .AddColumn("C# name")
            .AddColumn("Type")
            .AddColumn("Default")
            .AddColumn("Constraints")
            .AddColumn("Description");
        foreach (var parameter in description.Parameters)
        {
            var doc = parameter.DeclaredBy is null ? parameter.Doc ?? string.Empty : $"{parameter.Doc} (from {parameter.DeclaredBy})".TrimStart();
            table.AddRow(new IRenderable[]
            {
                new Text(parameter.JsonName, new Style(decoration: Decoration.Bold)),
                new Text(parameter.Name),
                new Text(parameter.Type),
                new Text(parameter.Required ? "required" : parameter.DefaultJson ?? "null"),
                new Text(string.Join("; ", parameter.Constraints)),
                new Text(doc),
            });
        }

        return table;
    }
}
