using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Bench;

/// <summary>
/// Our side of bench/zoo_compare.sh (<c>icls-bench zoo --model JSON --batch N</c>): a zoo
/// classifier built from its JSON model config, run through the inferencer (norms folded, no
/// autograd) on 224 x 224 images of zeros, timed per call as bench/pytorch/zoo_forward_bench.py
/// times torchvision's model of the same family. Prints the same JSON line.
/// </summary>
internal static class ZooForwardComparison
{
    public const string Usage = "usage: icls-bench zoo --model JSON --batch N [--steps N] [--warmup N]";

    public static int Run(ComponentCatalog catalog, string[] args)
    {
        string? modelJson = null;
        var batch = 1;
        var steps = 20;
        var warmup = 3;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--model": modelJson = args[i + 1]; break;
                case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }

        ArgumentException.ThrowIfNullOrEmpty(modelJson);
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        var run = new RunDefinition { Model = new ConfigBinder(catalog).BindComponentJson(modelJson, typeof(Classifier)) };
        var checkpoint = Path.Combine(Path.GetTempPath(), $"icls-zoo-{Environment.ProcessId}.pth");
        using (var model = run.BuildModel())
        {
            ModelWeights.Save(model, checkpoint);
        }

        var times = new List<double>();
        try
        {
            using var inferencer = new ImageClassificationInferencer(run, checkpoint, "cpu");
            using var images = zeros([batch, 3, 224, 224], ScalarType.Byte);
            for (var step = 0; step < warmup + steps; step++)
            {
                var clock = Stopwatch.StartNew();
                inferencer.Infer(images, topk: 1);
                times.Add(clock.Elapsed.TotalSeconds);
            }
        }
        finally
        {
            File.Delete(checkpoint);
        }

        var timed = times.Skip(warmup).Order().ToList();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["side"] = "icls",
            ["batch"] = batch,
            ["threads"] = torch.get_num_threads(),
            ["median_ms"] = timed[timed.Count / 2] * 1000,
        }));
        return 0;
    }
}
