using System.CommandLine;
using System.Globalization;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Runtime;
using Spectre.Console;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls infer CONFIG CKPT IMAGE|DIR... [--topk K] [--json] [--batch-size N] [--device ...]</c>:
/// classifies images (and every image in the folders named) with a trained model and prints the
/// top-k classes of each with their probabilities. A file that cannot be classified is named on
/// stderr with its reason (and in the JSON as <c>{"source", "error"}</c>) while every other file
/// still gets its result; the exit code is then 1.
/// </summary>
internal sealed class InferCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Argument<string> _checkpoint = new("CKPT") { Description = "The checkpoint whose weights classify." };
    private readonly Argument<string[]> _images = new("IMAGE") { Description = "Image files (PNG, JPEG, BMP, WebP, GIF) or folders of them.", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();
    private readonly Option<string?> _device = EngineCommandOptions.Device();
    private readonly Option<int> _topk = new("--topk") { Description = "How many classes to show per image.", HelpName = "K", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "Images per forward pass.", HelpName = "N", DefaultValueFactory = _ => 32 };
    private readonly Option<bool> _json = new("--json") { Description = "Print the predictions as JSON." };

    public InferCommand(CommandContext context)
        : base("infer", "Classify images or folders of images with a trained model.")
    {
        _context = context;
        CommandContext.RejectOptionLikeValues(_checkpoint);
        CommandContext.RejectOptionLikeValues(_images);
        Arguments.Add(_config);
        Arguments.Add(_checkpoint);
        Arguments.Add(_images);
        Options.Add(_topk);
        Options.Add(_batchSize);
        Options.Add(_json);
        Options.Add(_device);
        Options.Add(_cfgOptions);
        _topk.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--topk must be 1 or more.");
            }
        });
        _batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--batch-size must be 1 or more.");
            }
        });
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        using var inferencer = _context.LoadedHost.CreateInferencer(
            parseResult.GetRequiredValue(_config),
            parseResult.GetRequiredValue(_checkpoint),
            parseResult.GetValue(_device) ?? "auto",
            parseResult.GetValue(_cfgOptions));
        if (TorchRuntime.Report?.Warning is { } warning)
        {
            // The runner says this in training and testing; inference has no log but stderr.
            _context.Error.WriteLine(warning);
        }

        var topk = parseResult.GetValue(_topk);
        if (ClassCount.TopkProblem("--topk", topk, inferencer.NumClasses) is { } problem)
        {
            _context.Error.WriteLine($"error: {problem}");
            return ExitCodes.BadInput;
        }

        var outcomes = inferencer.InferFiles(parseResult.GetRequiredValue(_images), topk, parseResult.GetValue(_batchSize));
        var results = outcomes.Where(outcome => outcome.Result is not null).Select(outcome => outcome.Result!).ToList();
        var failures = outcomes.Where(outcome => outcome.Error is not null).ToList();
        foreach (var failure in failures)
        {
            _context.Error.WriteLine($"error: {failure.Describe()}");
        }

        if (failures.Count > 0)
        {
            _context.Error.WriteLine($"error: {failures.Count} of {outcomes.Count} image(s) could not be classified; the others were.");
        }

        var exitCode = failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        if (parseResult.GetValue(_json))
        {
            // One entry per input in order; a failed one has only its source and error, so the
            // entries of good files keep the shape scripts already read.
            _context.WriteJson(outcomes.Select(outcome => outcome.Result as object ?? new FailureJson(outcome.Source, outcome.Error!)).ToList());
            return exitCode;
        }

        var table = new Table().AddColumn("image").AddColumn("prediction").AddColumn(new TableColumn("score").RightAligned());
        if (topk > 1)
        {
            table.AddColumn($"top-{topk}");
        }

        foreach (var result in results)
        {
            var cells = new List<string>
            {
                Markup.Escape(result.Source),
                Markup.Escape($"{result.PredLabel} {result.PredClass}"),
                result.PredScore.ToString("F4", CultureInfo.InvariantCulture),
            };
            if (topk > 1)
            {
                cells.Add(Markup.Escape(string.Join(", ", result.TopK.Select(score => $"{score.ClassName} {score.Score.ToString("F3", CultureInfo.InvariantCulture)}"))));
            }

            table.AddRow([.. cells]);
        }

        _context.CreateConsole().Write(table);
        return exitCode;
    }

    private sealed record FailureJson(string Source, string Error);
}
