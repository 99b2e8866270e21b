using System.CommandLine;
using System.Globalization;
using ImageClassifier.Onnx.Export;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls export CONFIG CHECKPOINT OUT.onnx [--softmax] [--input-size H,W] [--cfg-options ...]</c>:
/// writes the config's model with the checkpoint's weights as an ONNX model (docs/export.md).
/// </summary>
internal sealed class ExportCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Argument<string> _checkpoint = new("CHECKPOINT") { Description = "The weights: a training checkpoint or any mmpretrain checkpoint of the config's model." };
    private readonly Argument<string> _output = new("OUT") { Description = "The ONNX file to write (written whole or not at all)." };
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();
    private readonly Option<bool> _softmax = new("--softmax") { Description = "Add a \"scores\" output: the softmax probabilities, beside the \"logits\"." };

    private readonly Option<(int Height, int Width)?> _inputSize = new("--input-size")
    {
        Description = "The input's height and width; by default the size the test pipeline gives every image.",
        HelpName = "H,W",
        CustomParser = result => ParseSize(result),
    };

    public ExportCommand(CommandContext context)
        : base("export", "Export the config's model with a checkpoint's weights to ONNX (opset 17, dynamic batch, preprocessing inside).")
    {
        _context = context;
        CommandContext.RejectOptionLikeValues(_checkpoint);
        CommandContext.RejectOptionLikeValues(_output);
        Arguments.Add(_config);
        Arguments.Add(_checkpoint);
        Arguments.Add(_output);
        Options.Add(_softmax);
        Options.Add(_inputSize);
        Options.Add(_cfgOptions);
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var host = _context.LoadedHost;
        var run = host.LoadRun(parseResult.GetRequiredValue(_config), parseResult.GetValue(_cfgOptions));
        var options = new OnnxRunExportOptions { Softmax = parseResult.GetValue(_softmax), InputSize = parseResult.GetValue(_inputSize) };
        var result = host.ExportOnnx(run, parseResult.GetRequiredValue(_checkpoint), parseResult.GetRequiredValue(_output), options);
        var outputs = result.Softmax ? "logits and scores" : "logits";
        _context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Exported {parseResult.GetRequiredValue(_output)}: input (batch, {result.Channels}, {result.Height}, {result.Width}) float32 pixels 0-255, {outputs} (batch, {result.NumClasses}); {result.FoldedNorms} batch norms folded."));
        return ExitCodes.Ok;
    }

    private static (int Height, int Width)? ParseSize(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        var parts = text.Split(',');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && height > 0 && width > 0)
        {
            return (height, width);
        }

        result.AddError($"--input-size takes a height and a width as H,W (such as 224,224), not '{text}'.");
        return null;
    }
}
