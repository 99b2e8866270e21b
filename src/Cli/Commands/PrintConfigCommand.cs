using System.CommandLine;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls print-config CONFIG [--cfg-options k=v ...] [--annotate | --with-defaults]</c>: the fully
/// merged config as JSON (bases and overrides applied, <c>_base_</c> and <c>_delete_</c> gone).
/// </summary>
internal sealed class PrintConfigCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();

    private readonly Option<bool> _annotate = new("--annotate")
    {
        Description = "Follow each value with a // file:line:col comment naming where it was set.",
    };

    private readonly Option<bool> _withDefaults = new("--with-defaults")
    {
        Description = "Bind the config first and print the model with every member, defaults included.",
    };

    public PrintConfigCommand(CommandContext context)
        : base("print-config", "Print the fully merged config: bases and --cfg-options applied.")
    {
        _context = context;
        Arguments.Add(_config);
        Options.Add(_cfgOptions);
        Options.Add(_annotate);
        Options.Add(_withDefaults);
        Validators.Add(result =>
        {
            if (result.GetValue(_annotate) && result.GetValue(_withDefaults))
            {
                result.AddError("--annotate and --with-defaults cannot be used together.");
            }
        });
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var document = ConfigLoader.Load(parseResult.GetRequiredValue(_config), parseResult.GetValue(_cfgOptions));
        if (parseResult.GetValue(_withDefaults))
        {
            var binder = new ConfigBinder(_context.Catalog);
            var bound = binder.ToJsonNode(binder.Bind(document)).ToJsonString();

            // Read back as a config node, so that it prints as the merged config does (short lists on one line).
            _context.Output.Write(ConfigJsonReader.Parse(bound, "(bound config)").ToJsonString());
        }
        else
        {
            _context.Output.Write(parseResult.GetValue(_annotate) ? document.ToAnnotatedJsonString() : document.ToJsonString());
        }

        return ExitCodes.Ok;
    }
}
