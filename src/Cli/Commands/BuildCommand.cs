using System.CommandLine;
using System.Globalization;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Validation;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls build CONFIG [--cfg-options k=v ...] [--input-shape 1,3,224,224] [--depth N]</c>: builds
/// the model of a config's "model" section, prints its module tree with parameter counts, and runs
/// a zero input through it part by part (<see cref="ModelWiringCheck"/>) to print the output shape;
/// parts that do not fit are a config error at the key to change.
/// </summary>
internal sealed class BuildCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();

    private readonly Option<string> _inputShape = new("--input-shape")
    {
        Description = "The shape of the dummy input, comma-separated: N,C,H,W. By default it is read from the config: the last crop or resize of the test pipeline, else the dataset's image size, else 224x224; channels from the dataset, the preprocessor's mean or the backbone's in_channels.",
        HelpName = "SHAPE",
    };

    private readonly Option<int> _depth = new("--depth")
    {
        Description = "How many levels of submodules the tree shows.",
        HelpName = "N",
        DefaultValueFactory = _ => 3,
    };

    public BuildCommand(CommandContext context)
        : base("build", "Build the model of a config and print its module tree, parameter count and output shape.")
    {
        _context = context;
        Arguments.Add(_config);
        Options.Add(_cfgOptions);
        Options.Add(_inputShape);
        Options.Add(_depth);
        _inputShape.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text && !TryParseShape(text, out _))
            {
                result.AddError($"--input-shape must be positive integers separated by commas, such as 1,3,224,224, not '{result.GetValueOrDefault<string>()}'.");
            }
        });
        _depth.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--depth must be 0 or more.");
            }
        });
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var path = parseResult.GetRequiredValue(_config);
        var document = ConfigLoader.Load(path, parseResult.GetValue(_cfgOptions));
        var binder = new ConfigBinder(_context.Catalog);

        // Binding the model alone first keeps its errors worded for a config that may have nothing else.
        var config = binder.BindModel(document);
        var run = _context.LoadedHost.ReadRun(document);
        var component = run.Origin.Build("$." + RunConfigSection.ModelKey, run.Model);
        try
        {
            if (component is not nn.Module module)
            {
                _context.Output.WriteLine($"Built '{config.TypeName}' ({TypeNames.Format(component.GetType())}); it is not a TorchSharp module, so it has no tree to show.");
                return ExitCodes.Ok;
            }

            // Before anything is printed: parts that do not fit are a config error, not half a report.
            var input = parseResult.GetValue(_inputShape) is { } text && TryParseShape(text, out var shape)
                ? ModelInput.Given(shape, "--input-shape")
                : ModelInputInference.Infer(run);
            var wiring = ModelWiringCheck.Check(run, module, input);

            var names = binder.Components
                .GroupBy(registration => registration.Descriptor.ComponentType)
                .ToDictionary(group => group.Key, group => group.First());
            var console = _context.CreateConsole();
            var tree = new Tree(Label("model", module, names));
            AddChildren(tree.AddNode, module, names, parseResult.GetValue(_depth));
            console.Write(tree);

            var parameters = module.parameters().ToArray();
            var total = parameters.Sum(parameter => parameter.numel());
            var trainable = parameters.Where(parameter => parameter.requires_grad).Sum(parameter => parameter.numel());

            // Plain lines, not the console's: a long input description must not wrap at its width.
            _context.Output.WriteLine($"Parameters: {ConfigCommandSupport.Format(total)} ({ConfigCommandSupport.Format(trainable)} trainable)");
            _context.Output.WriteLine(input.FromConfig ? $"Input: {input.FormattedShape} ({input.Describe()})" : $"Input: {input.FormattedShape}");
            _context.Output.WriteLine($"Output: {wiring?.FormattedOutputShape ?? "not computed: the model does not take a single tensor"}");
            return ExitCodes.Ok;
        }
        finally
        {
            (component as IDisposable)?.Dispose();
        }
    }

    private static void AddChildren(Func<Spectre.Console.Rendering.IRenderable, TreeNode> add, nn.Module module, Dictionary<Type, ComponentRegistration> names, int levelsLeft)
    {
        if (levelsLeft == 0)
        {
            return;
        }

        foreach (var (name, child) in module.named_children())
        {
            var node = add(Label(name, child, names));
            AddChildren(node.AddNode, child, names, levelsLeft - 1);
        }
    }

    private static Text Label(string name, nn.Module module, Dictionary<Type, ComponentRegistration> names)
    {
        var count = module.parameters().Sum(parameter => parameter.numel());
        var what = names.TryGetValue(module.GetType(), out var registration)
            ? $"{registration.Name} ({registration.Kind})"
            : ShortName(module.GetType());
        return new Text($"{name}: {what}, {ConfigCommandSupport.Format(count)} parameters");
    }

    /// <summary>"Conv2d", "ModuleList&lt;Sequential&gt;": the class name without namespace or arity.</summary>
    private static string ShortName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? type.Name : $"{type.Name[..tick]}<{string.Join(", ", type.GetGenericArguments().Select(ShortName))}>";
    }

    private static bool TryParseShape(string? text, out long[] shape)
    {
        shape = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                return false;
            }
        }

        shape = sizes;
        return true;
    }
}
