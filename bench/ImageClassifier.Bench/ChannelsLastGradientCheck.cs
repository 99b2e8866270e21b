using System.Globalization;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Bench;

/// <summary>
/// <c>icls-bench clgrad [--model JSON] [--batch N] [--size S] [--channels C]</c>: how far a training
/// step's gradients are from a float64 pass of the same weights when the batch goes in NCHW and
/// when it goes in channels-last, the layout the training step would use for speed. The loss is the
/// model's own (a classification loss over fixed labels), in training mode. Prints the worst
/// parameter of each layout, relative to that parameter's largest gradient. Kept to recheck
/// channels-last training whenever libtorch changes (docs/training.md#speed-on-cpu).
/// </summary>
internal static class ChannelsLastGradientCheck
{
    public const string Usage = "usage: icls-bench clgrad [--model JSON] [--batch N] [--size S] [--channels C]";

    // Narrow SE-ResNet-50: the family whose channels-last gradients were furthest off.
    private const string DefaultModel = """{"type": "ImageClassifier", "backbone": {"type": "SEResNet", "depth": 50, "stem_channels": 16, "base_channels": 8}, "neck": {"type": "GlobalAveragePooling"}, "head": {"type": "LinearClsHead", "num_classes": 10, "in_channels": 256}}""";

    public static int Run(ComponentCatalog catalog, string[] args)
    {
        var (json, batch, size, channels) = (DefaultModel, 4, 64, 3);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--model": json = args[i + 1]; break;
                case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--size": size = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--channels": channels = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }

        var run = new RunDefinition { Model = new ConfigBinder(catalog).BindComponentJson(json, typeof(Classifier)) };
        torch.manual_seed(0);
        Dictionary<string, Tensor> weights;
        using (var model = run.BuildModel())
        {
            weights = model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().clone());
        }

        using var input = torch.randn([batch, channels, size, size], generator: new Generator(3));
        using var labels = torch.arange(batch, dtype: ScalarType.Int64) % 10;
        var reference = Gradients(run, weights, input, ScalarType.Float64, channelsLast: false);
        // A parameter whose gradient is all but zero (a norm whose output nothing uses much) would
        // make any rounding look enormous: scales below a millionth of the largest gradient are raised to it.
        var floor = 1e-6 * reference.Values.Max(gradient => gradient.abs().max().item<double>());
        Console.WriteLine($"{batch} x {channels} x {size} x {size}, training mode, {torch.get_num_threads()} threads; worst |gradient - float64's| / the parameter's largest gradient:");
        foreach (var channelsLast in new[] { false, true })
        {
            var gradients = Gradients(run, weights, input, ScalarType.Float32, channelsLast);
            var (worst, name) = reference
                .Select(pair => ((gradients[pair.Key] - pair.Value).abs().max().item<double>() / Math.Max(pair.Value.abs().max().item<double>(), floor), pair.Key))
                .Max();
            Console.WriteLine($"  {(channelsLast ? "channels-last batch" : "NCHW batch"),-20} {worst:E2} at {name}");
        }

        return 0;

        Dictionary<string, Tensor> Gradients(RunDefinition definition, Dictionary<string, Tensor> state, Tensor images, ScalarType dtype, bool channelsLast)
        {
            using var model = definition.BuildModel();
            model.load_state_dict(state, strict: true);
            model.to(dtype);
            model.train();
            using var scope = torch.NewDisposeScope();
            var inputs = images.to(dtype);
            model.Loss(channelsLast ? ChannelsLastInputs.Apply(inputs) : inputs, labels)["loss"].backward();
            return model.named_parameters().Where(pair => pair.parameter.grad is not null)
                .ToDictionary(pair => pair.name, pair => pair.parameter.grad!.to(ScalarType.Float64).MoveToOuterDisposeScope());
        }
    }
}
