using System.CommandLine;
using System.Text;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls schema [--output FILE]</c>: the JSON Schema (draft 2020-12) of configs, covering every
/// component the catalog knows (plugins included), for editors to complete and check config files.
/// </summary>
internal sealed class SchemaCommand : Command
{
    private readonly CommandContext _context;

    private readonly Option<string?> _output = new("--output", "-o")
    {
        Description = "Write the schema to this file instead of the standard output.",
        HelpName = "FILE",
    };

    public SchemaCommand(CommandContext context)
        : base("schema", "Write the JSON Schema of config files: every registered component's members, types, defaults and constraints.")
    {
        _context = context;
        Options.Add(_output);
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var binder = new ConfigBinder(_context.Catalog);
        var text = binder.CreateSchema().ToJsonString(binder.SerializerOptions);
        if (parseResult.GetValue(_output) is not { Length: > 0 } file)
        {
            _context.Output.WriteLine(text);
            return ExitCodes.Ok;
        }

        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(file, text + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var count = binder.BindableComponents.Count();
        _context.Output.WriteLine($"Wrote the config schema ({count} components in {binder.Kinds.Count} kinds) to {file}.");
        return ExitCodes.Ok;
    }
}
