using ImageClassifier.Hosting;
using System.CommandLine;
using System.CommandLine.Invocation;
using ImageClassifier.Hosting.Catalog;

namespace ImageClassifier.Cli.Commands;

/// <summary>The <c>icls</c> command line: parses, runs a command, and returns its exit code (see <see cref="ExitCodes"/>).</summary>
public static class CommandLineApp
{
    /// <summary>The executable's name, as usage hints spell it.</summary>
    public const string ExecutableName = "icls";

    /// <summary>Runs against the console with the built-in catalog and the plugins of <c>--plugins</c>, <c>ICLS_PLUGINS</c>, <c>./plugins</c> and the default folder.</summary>
    public static int Run(string[] args) =>
        Run(args, Console.Out, Console.Error, new HostOptions(), outputIsTerminal: !Console.IsOutputRedirected);

    /// <summary>
    /// Runs with the given streams and catalog; what tests call. Only <c>--plugins</c> adds plugins:
    /// neither <c>ICLS_PLUGINS</c> nor a plugins folder in the current directory or beside the
    /// executable changes what a test sees.
    /// </summary>
    /// <param name="args">The arguments after the executable's name.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="catalogFactory">Builds the catalog when a command first needs it; its failures become exit code 1.</param>
    /// <param name="outputIsTerminal">Whether <paramref name="output"/> is a terminal, which allows colours.</param>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<ComponentCatalog> catalogFactory, bool outputIsTerminal = false)
    {
        ArgumentNullException.ThrowIfNull(catalogFactory);
        var options = new HostOptions
        {
            CatalogFactory = catalogFactory,
            WorkingDirectoryPluginDirectory = null,
            DefaultPluginDirectory = null,
            ReadEnvironmentVariable = null,
        };
        return Run(args, output, error, options, outputIsTerminal);
    }

    /// <summary>Runs with the given streams and host options; <c>--plugins</c> folders are searched before the options' own.</summary>
    /// <param name="args">The arguments after the executable's name.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="hostOptions">How the host is created when a command first needs it; its failures become exit code 1.</param>
    /// <param name="outputIsTerminal">Whether <paramref name="output"/> is a terminal, which allows colours.</param>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, HostOptions hostOptions, bool outputIsTerminal = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(hostOptions);

        var context = new CommandContext(output, error, outputIsTerminal, hostOptions);
        var root = new RootCommand("icls: list, describe, configure, train and run ImageClassifier models.");
        root.Options.Add(context.Verbose);
        root.Options.Add(context.PluginDirectories);
        root.Subcommands.Add(new ListModelsCommand(context));
        root.Subcommands.Add(new DescribeCommand(context));
        root.Subcommands.Add(new ValidateCommand(context));
        root.Subcommands.Add(new PrintConfigCommand(context));
        root.Subcommands.Add(new SchemaCommand(context));
        root.Subcommands.Add(new BuildCommand(context));
        root.Subcommands.Add(new PluginsCommand(context));
        root.Subcommands.Add(new TrainCommand(context));
        root.Subcommands.Add(new TestCommand(context));
        root.Subcommands.Add(new InferCommand(context));
        root.Subcommands.Add(new ServeCommand(context));
        root.Subcommands.Add(new ConvertCommand(context));
        root.Subcommands.Add(new ExportCommand(context));

        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            return ReportUsage(context, parseResult, root);
        }

        return parseResult.Invoke(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
        });
    }

    private static int ReportUsage(CommandContext context, ParseResult parseResult, RootCommand root)
    {
        var command = parseResult.CommandResult.Command;
        var problems = parseResult.Errors.Select(parseError => parseError.Message).ToList();
        if (command == root && parseResult.UnmatchedTokens.Count > 0)
        {
            // At the root every parse error ("Required command was not provided", "Unrecognized
            // command or argument") says one thing: the first word is not a command.
            problems = parseResult.UnmatchedTokens.Select(token => $"'{token}' is not an icls command or option.").ToList();
            var names = root.Subcommands.Select(subcommand => subcommand.Name);
            var suggestions = CatalogText.Suggestions(parseResult.UnmatchedTokens[0], names);
            if (suggestions.Count > 0)
            {
                problems.Add($"Did you mean {CatalogText.JoinOr(suggestions.Select(CatalogText.Quote))}?");
            }
        }

        var help = command == root ? $"{ExecutableName} --help" : $"{ExecutableName} {command.Name} --help";
        return CommandErrors.ReportUsage(context.Error, problems, help);
    }
}
