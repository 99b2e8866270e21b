using System.CommandLine;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls validate CONFIG [--cfg-options k=v ...]</c>: loads a config with its bases and overrides,
/// binds it to the registered components' configs and builds the model, so that a component's own
/// refusal is found too. Prints "OK: ..." or the error with its file, line and column (exit code 2).
/// </summary>
internal sealed class ValidateCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();

    public ValidateCommand(CommandContext context)
        : base("validate", "Check a config: load it with its bases and --cfg-options, bind it to the component configs and build the model.")
    {
        _context = context;
        Arguments.Add(_config);
        Options.Add(_cfgOptions);
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var path = parseResult.GetRequiredValue(_config);
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

        var component = binder.BuildComponent(document, "$." + RunConfigSection.ModelKey, model);
        try
        {
            var kind = binder.Components.FirstOrDefault(registration => registration.Descriptor.ConfigType == model.GetType())?.Kind;
            var what = kind is null ? $"model '{model.TypeName}'" : $"model '{model.TypeName}' ({CatalogText.WithArticle(kind)})";
            var parameters = ConfigCommandSupport.CountParameters(component) is { } count ? $" with {ConfigCommandSupport.Format(count)} parameters" : string.Empty;
            _context.Output.WriteLine($"OK: {path}: {what}{parameters}; {sections}.");
        }
        finally
        {
            (component as IDisposable)?.Dispose();
        }

        return ExitCodes.Ok;
    }
}
