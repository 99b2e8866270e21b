using System.CommandLine;
using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls validate CONFIG [--cfg-options k=v ...]</c>: loads a config with its bases and overrides,
/// binds every section a run uses, builds its parts (transforms, samplers, optimizer, schedulers
/// attached for the training set's length, hooks, metrics, the model) so that a component's own
/// refusal is found too, and runs a zero batch through the model's parts to check that they fit
/// (<see cref="ImageClassifierHost.Validate"/>). Prints "OK: ..." or the error with its file, line
/// and column (exit code 2). A config without a model (a schedule or dataset fragment for
/// <c>_base_</c>) is only bound. A plugin that failed to load (a missing or conflicting dependency,
/// say) is an error too, and the config is then not validated: whether it needs the plugin's
/// components cannot be told, and an "unknown component" would hide the plugin's own reason.
/// </summary>
internal sealed class ValidateCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();

    public ValidateCommand(CommandContext context)
        : base("validate", "Check a config: load it with its bases and --cfg-options, bind every section, build its components and check that the model's parts fit.")
    {
        _context = context;
        Arguments.Add(_config);
        Options.Add(_cfgOptions);
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var path = parseResult.GetRequiredValue(_config);
        var failedPlugins = _context.ReportPluginFailuresAsErrors();
        if (failedPlugins > 0)
        {
            var plugins = failedPlugins == 1 ? "a plugin" : $"{failedPlugins} plugins";
            _context.Error.WriteLine(
                $"error: {path} was not validated: {plugins} failed to load (above). Fix or remove {(failedPlugins == 1 ? "it" : "them")}, " +
                $"then validate again; '{CommandLineApp.ExecutableName} plugins' has the full report.");
            return ExitCodes.BadInput;
        }

        var document = ConfigLoader.Load(path, parseResult.GetValue(_cfgOptions));
        var binder = new ConfigBinder(_context.Catalog);
        var config = binder.Bind(document);

        var sections = config.Sections.Count switch
        {
            0 => "no other sections",
            1 => "1 other section",
            var count => $"{count} other sections",
        };
        if (config.Model is not { } model)
        {
            _context.Output.WriteLine($"OK: {path}: no model section; {sections}.");
            return ExitCodes.Ok;
        }

        var validation = _context.LoadedHost.Validate(_context.LoadedHost.ReadRun(document));
        foreach (var warning in validation.Warnings)
        {
            _context.Error.WriteLine($"warning: {warning}");
        }

        var kind = binder.Components.FirstOrDefault(registration => registration.Descriptor.ConfigType == model.GetType())?.Kind;
        var what = kind is null ? $"model '{model.TypeName}'" : $"model '{model.TypeName}' ({CatalogText.WithArticle(kind)})";
        var parameters = validation.Parameters is { } parameterCount ? $" with {ConfigCommandSupport.Format(parameterCount)} parameters" : string.Empty;
        var wiring = validation.Wiring is { } pass ? $"; a {pass.Input.FormattedShape} input gives {pass.FormattedOutputShape}" : string.Empty;
        _context.Output.WriteLine($"OK: {path}: {what}{parameters}{wiring}; {sections}.");
        return ExitCodes.Ok;
    }
}
