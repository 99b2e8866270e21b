using ImageClassifier.Hosting.Configuration.Binding;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Bench;

/// <summary>
/// Our side of bench/pytorch_compare.sh (<c>icls-bench compare --batches DIR --mode train|infer64|infer1</c>):
/// the quick start's model, built from configs/quickstart.json, trained with the runner's step or
/// run through the inferencer on the batches bench/pytorch/make_batches.py wrote, timed per call
/// exactly as bench/pytorch/resnet_cifar_bench.py times PyTorch. Prints the same JSON line.
/// </summary>
internal static class PyTorchComparison
{
    public const string Usage = "usage: icls-bench compare --batches DIR --mode train|infer64|infer1 [--steps N] [--warmup N]";

    public static int Run(ComponentCatalog catalog, string[] args)
    {
        string? batches = null;
        string? mode = null;
        var steps = 40;
        var warmup = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--batches": batches = args[i + 1]; break;
                case "--mode": mode = args[i + 1]; break;
                case "--steps": steps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }

        var size = mode switch
        {
            "train" => 128,
            "infer64" => 64,
            "infer1" => 1,
            _ => throw new ArgumentException($"--mode must be train, infer64 or infer1\n{Usage}"),
        };
        ArgumentException.ThrowIfNullOrEmpty(batches);
        var pixels = File.ReadAllBytes(Path.Combine(batches, "images.u8"));
        var labelBytes = File.ReadAllBytes(Path.Combine(batches, "labels.i64"));
        var count = pixels.Length / (28 * 28) / size;
        using var images = torch.tensor(pixels, [pixels.Length / (28 * 28), 1, 28, 28], ScalarType.Byte);
        using var labels = torch.tensor(ReadLabels(labelBytes), [labelBytes.Length / 8], ScalarType.Int64);

        var config = RunDefinitionReader.Read(ConfigLoader.Load("configs/quickstart.json", []), catalog);
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(0);
        var times = new List<double>();
        if (mode == "train")
        {
            using var model = config.BuildModel();
            model.train();
            using var optimizer = config.BuildOptimizer(model);
            for (var step = 0; step < warmup + steps; step++)
            {
                var i = step % count;
                using var inputs = images[(i * size)..((i + 1) * size)];
                using var targets = labels[(i * size)..((i + 1) * size)];
                var clock = Stopwatch.StartNew();
                EngineStep.Run(config, model, optimizer, inputs, targets);
                times.Add(clock.Elapsed.TotalSeconds);
            }
        }
        else
        {
            var checkpoint = Path.Combine(Path.GetTempPath(), $"icls-compare-{Environment.ProcessId}.pth");
            using (var model = config.BuildModel())
            {
                ModelWeights.Save(model, checkpoint);
            }

            try
            {
                using var inferencer = new ImageClassificationInferencer(config, checkpoint, "cpu");
                for (var step = 0; step < warmup + steps; step++)
                {
                    var i = step % count;
                    using var inputs = images[(i * size)..((i + 1) * size)];
                    var clock = Stopwatch.StartNew();
                    inferencer.Infer(inputs, topk: 1);
                    times.Add(clock.Elapsed.TotalSeconds);
                }
            }
            finally
            {
                File.Delete(checkpoint);
            }
        }

        var timed = times.Skip(warmup).Order().ToList();
        var median = timed.Count % 2 == 1 ? timed[timed.Count / 2] : (timed[(timed.Count / 2) - 1] + timed[timed.Count / 2]) / 2;
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["side"] = "icls",
            ["mode"] = mode!,
            ["threads"] = torch.get_num_threads(),
            ["median_ms"] = median * 1000,
            ["p90_ms"] = timed[(int)(0.9 * (timed.Count - 1))] * 1000,
            ["images_per_s"] = size / median,
            ["peak_rss_kb"] = PeakRssKilobytes(),
        }));
        return 0;
    }

    private static long[] ReadLabels(byte[] bytes)
    {
        var values = new long[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 8);
        return values;
    }

    private static long PeakRssKilobytes() =>
        File.ReadLines("/proc/self/status").Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
            .FirstOrDefault();
}
