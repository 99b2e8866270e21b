using System.CommandLine;
using ImageClassifier.Models.Weights.Converters;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls convert CONFIG SOURCE DEST --from torchvision|timm|mmpretrain [--cfg-options ...]</c>:
/// renames another library's checkpoint keys for the config's model, checks them against it
/// strictly and writes an mmengine-style checkpoint (or safetensors, by DEST's extension).
/// </summary>
internal sealed class ConvertCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Argument<string> _source = new("SOURCE") { Description = "The checkpoint to convert (.pth, .pt, .bin or .safetensors)." };
    private readonly Argument<string> _destination = new("DEST") { Description = "Where the converted checkpoint goes; .safetensors writes safetensors, anything else torch.save's format." };
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();

    private readonly Option<WeightSource> _from = new("--from")
    {
        Description = "The library whose key layout SOURCE has: torchvision, timm or mmpretrain.",
        Required = true,
        HelpName = "torchvision|timm|mmpretrain",
    };

    public ConvertCommand(CommandContext context)
        : base("convert", "Convert a torchvision, timm or mmpretrain checkpoint for the config's model (load_from, init_cfg, test and infer take the result).")
    {
        _context = context;
        CommandContext.RejectOptionLikeValues(_source);
        CommandContext.RejectOptionLikeValues(_destination);
        Arguments.Add(_config);
        Arguments.Add(_source);
        Arguments.Add(_destination);
        Options.Add(_from);
        Options.Add(_cfgOptions);
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var run = _context.LoadedHost.LoadRun(parseResult.GetRequiredValue(_config), parseResult.GetValue(_cfgOptions));
        var source = parseResult.GetRequiredValue(_source);
        var destination = parseResult.GetRequiredValue(_destination);
        var from = parseResult.GetValue(_from);
        var count = _context.LoadedHost.ConvertCheckpoint(run, source, destination, from);
        _context.Output.WriteLine($"Converted {count} tensors of {source} ({from.ToString().ToLowerInvariant()} layout) into {destination}.");
        return ExitCodes.Ok;
    }
}
