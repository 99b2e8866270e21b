using ImageClassifier.Hosting;
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Plugins;
using Spectre.Console;

namespace ImageClassifier.Cli.Commands;

/// <summary>What every command shares: where output goes, the host and its catalog, <c>--verbose</c>, <c>--plugins</c>, and turning failures into exit codes.</summary>
internal sealed class CommandContext
{
    // Relaxed escaping keeps "IReadOnlyList<int>" readable; the output is never embedded in HTML.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly HostOptions _hostOptions;
    private readonly bool _outputIsTerminal;
    private ParseResult? _parseResult;
    private ImageClassifierHost? _host;
    private bool _pluginWarningsWritten;

    public CommandContext(TextWriter output, TextWriter error, bool outputIsTerminal, HostOptions hostOptions)
    {
        Output = output;
        Error = error;
        _outputIsTerminal = outputIsTerminal;
        _hostOptions = hostOptions;
    }

    /// <summary>Where results go (stdout).</summary>
    public TextWriter Output { get; }

    /// <summary>Where errors go (stderr).</summary>
    public TextWriter Error { get; }

    /// <summary>The <c>--verbose</c> option, valid on every command.</summary>
    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Print the stack trace with an error.",
        Recursive = true,
    };

    /// <summary>The <c>--plugins DIR</c> option, valid on every command and repeatable.</summary>
    public Option<string[]> PluginDirectories { get; } = new("--plugins")
    {
        Description = $"Load plugins from DIR too (repeatable), before those in {HostOptions.PluginPathVariable}, the plugins folder of the current directory and the one beside icls.",
        HelpName = "DIR",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>
    /// The host with the built-in components and the plugins of <c>--plugins</c>, <c>ICLS_PLUGINS</c>,
    /// <c>./plugins</c> and the default folder, created on first use so that its failures are reported like any other.
    /// </summary>
    public ImageClassifierHost Host => _host ??= CreateHost();

    /// <summary>The host, for commands that use its components: the first use warns on stderr about plugins that failed to load.</summary>
    public ImageClassifierHost LoadedHost
    {
        get
        {
            _ = Catalog;
            return Host;
        }
    }

    /// <summary>The host's catalog; the first use warns on stderr about plugins that failed to load.</summary>
    public ComponentCatalog Catalog
    {
        get
        {
            var host = Host;
            if (!_pluginWarningsWritten)
            {
                _pluginWarningsWritten = true;
                WritePluginWarnings(host.Plugins);
            }

            return host.Catalog;
        }
    }

    /// <summary>
    /// For a command that checks rather than runs: writes each plugin that failed to load as an
    /// <c>error:</c> line (its reason) and each plugin folder problem as a warning, in place of the
    /// warnings <see cref="Catalog"/> writes.
    /// </summary>
    /// <returns>How many plugins failed.</returns>
    public int ReportPluginFailuresAsErrors()
    {
        var report = Host.Plugins;
        _pluginWarningsWritten = true;
        foreach (var directory in report.DirectoryProblems)
        {
            Error.WriteLine($"warning: {directory.Problem}");
        }

        foreach (var plugin in report.Failed)
        {
            Error.WriteLine($"error: {plugin.Reason}");
        }

        return report.Failed.Count;
    }

    /// <summary>
    /// Makes an unknown option a usage error instead of a value: System.CommandLine hands a token
    /// such as "--colour" to a positional argument, and no registry name starts with '-'.
    /// </summary>
    public static void RejectOptionLikeValues(Argument argument)
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(token => token.Value.StartsWith('-')))
            {
                result.AddError($"Unrecognized option '{token.Value}'.");
            }
        });
    }

    /// <summary>Runs a command's work, turning any failure into an error paragraph and an exit code.</summary>
    public int Run(ParseResult parseResult, Func<ParseResult, int> work)
    {
        _parseResult = parseResult;
        try
        {
            return work(parseResult);
        }
        catch (Exception exception)
        {
            return CommandErrors.Report(Error, exception, parseResult.GetValue(Verbose));
        }
    }

    /// <summary>Writes <paramref name="value"/> as indented snake_case JSON and a newline.</summary>
    public void WriteJson<T>(T value)
    {
        Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
    }

    /// <summary>A Spectre console over <see cref="Output"/>: colours on a terminal, plain text elsewhere.</summary>
    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Output),
            Ansi = _outputIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = _outputIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!_outputIsTerminal)
        {
            // Piped output has no window to fit; wrapping at Spectre's 80-column guess would split rows.
            console.Profile.Width = 160;
        }

        return console;
    }

    private ImageClassifierHost CreateHost()
    {
        var asked = _parseResult?.GetValue(PluginDirectories) ?? [];
        return ImageClassifierHost.Create(_hostOptions with { PluginDirectories = [.. _hostOptions.PluginDirectories, .. asked] });
    }

    // A broken plugin never stops a command; it is named on stderr so that a missing component is not a mystery.
    private void WritePluginWarnings(PluginLoadReport report)
    {
        foreach (var directory in report.DirectoryProblems)
        {
            Error.WriteLine($"warning: {directory.Problem}");
        }

        foreach (var plugin in report.Failed)
        {
            Error.WriteLine($"warning: {plugin.Reason} Run '{CommandLineApp.ExecutableName} plugins' for the full report.");
        }
    }
}
