using ImageClassifier.Hosting.Configuration.Binding;
using System.Diagnostics;
using System.Globalization;
using ImageClassifier;
using ImageClassifier.Bench;
using ImageClassifier.Hosting;
using ImageClassifier.Hosting.Catalog;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "compare")
{
    Directory.SetCurrentDirectory(Bench.FindRepoRoot());
    return PyTorchComparison.Run(ImageClassifierHost.Create().Catalog, args[1..]);
}

if (args.Length > 0 && args[0] == "clgrad")
{
    return ChannelsLastGradientCheck.Run(ImageClassifierHost.Create().Catalog, args[1..]);
}

if (args.Length > 0 && args[0] == "zoo")
{
    return ZooForwardComparison.Run(ImageClassifierHost.Create().Catalog, args[1..]);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var root = Bench.FindRepoRoot();
Directory.SetCurrentDirectory(root);
torch.set_num_threads(options.Threads);
Console.WriteLine($"ImageClassifier bench ({(options.Quick ? "quick" : "full")}): {torch.get_num_threads()} libtorch threads, {Environment.ProcessorCount} processors, repo {root}");
Console.WriteLine("Every ratio is ours / baseline, both measured in this process, interleaved; >1 means ours is faster (or the loader outpaces the model).");

var host = ImageClassifierHost.Create();
var bench = new Bench(host.Catalog, options);
Action[] sections = [bench.Training, bench.Inference, bench.Loader, bench.Memory, bench.RuntimeGuard];
for (var number = 1; number <= sections.Length; number++)
{
    if (options.Section is null || options.Section == number)
    {
        sections[number - 1]();
    }
}

return 0;

namespace ImageClassifier.Bench
{
    /// <summary>Command-line options.</summary>
    internal sealed record BenchOptions(bool Quick, int Steps, int Threads, int SampleEvery, bool Help, int? Section = null)
    {
        public const string Usage = "usage: icls-bench [--quick] [--steps N] [--threads N] [--sample-every N] [--section N]";

        public static BenchOptions Parse(string[] args)
        {
            var quick = false;
            int? steps = null;
            int? sampleEvery = null;
            var threads = Environment.ProcessorCount;
            var help = false;
            int? section = null;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--quick":
                        quick = true;
                        break;
                    case "--steps":
                        steps = Number(args, ++i);
                        break;
                    case "--threads":
                        threads = Number(args, ++i);
                        break;
                    case "--section":
                        section = Number(args, ++i);
                        break;
                    case "--sample-every":
                        sampleEvery = Number(args, ++i);
                        break;
                    case "-h" or "--help":
                        help = true;
                        break;
                    default:
                        throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }

            var totalSteps = steps ?? (quick ? 60 : 2000);
            return new BenchOptions(quick, totalSteps, threads, sampleEvery ?? Math.Max(1, totalSteps / 40), help, section);
        }

        private static int Number(string[] args, int index) =>
            index < args.Length && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"'{args[index - 1]}' needs a positive whole number");
    }

    /// <summary>The four measurements.</summary>
    internal sealed class Bench(ComponentCatalog catalog, BenchOptions options)
    {
        private const string QuickstartConfig = "configs/quickstart.json";
        private const int Batch = 64;
        private const int Width = 64;
        private static readonly float[] CifarMean = [125.307f, 122.961f, 113.8575f];
        private static readonly float[] CifarStd = [51.5865f, 50.847f, 51.255f];

        // ResNet_CIFAR-18 of width 64 on 32x32 RGB, 10 classes: the quickstart's model widened.
        private static readonly string[] WideOverrides =
        [
            "model.backbone.in_channels=3",
            "model.backbone.stem_channels=64",
            "model.backbone.base_channels=64",
            "model.head.in_channels=512",
            "model.head.num_classes=10",
            "data_preprocessor.mean=[125.307,122.961,113.8575]",
            "data_preprocessor.std=[51.5865,50.847,51.255]",
            $"train_dataloader.batch_size={Batch}",
        ];

        private double? wideBatchesPerSecond;

        public static string FindRepoRoot()
        {
            foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                {
                    if (File.Exists(Path.Combine(directory.FullName, "ImageClassifier.sln")))
                    {
                        return directory.FullName;
                    }
                }
            }

            throw new InvalidOperationException("Run the bench from inside the repository (ImageClassifier.sln not found above the current folder).");
        }

        private RunDefinition Load(IEnumerable<string> overrides) =>
            RunDefinitionReader.Read(ConfigLoader.Load(QuickstartConfig, overrides), catalog);

        /// <summary>1. Training images/s: the engine's step on the config's model vs the direct TorchSharp network.</summary>
        public void Training()
        {
            var (warmup, rounds, perRound) = options.Quick ? (1, 2, 2) : (3, 4, 5);
            Section($"1. Training, ResNet_CIFAR-18 width {Width}, batch {Batch}, 3x32x32, 10 classes ({warmup} warm-up steps each, then {rounds} interleaved rounds of {perRound} steps each)");
            var config = Load(WideOverrides);
            torch.manual_seed(0);
            using var ours = config.BuildModel();
            ours.train();
            using var ourOptimizer = config.BuildOptimizer(ours);
            torch.manual_seed(0);
            using var direct = new DirectResNet(3, Width, 10, CifarMean, CifarStd);
            direct.train();
            using var directOptimizer = optim.SGD(direct.parameters(), 0.1, momentum: 0.9, weight_decay: 0.0005, nesterov: true);
            Console.WriteLine($"  parameters: ours {Parameters(ours):N0} ({config.Model.TypeName} / ResNet_CIFAR from the SeedExamples plugin, built from the config), direct {Parameters(direct):N0}");

            using var inputs = torch.randint(0, 256, [Batch, 3, 32, 32], dtype: ScalarType.Byte);
            using var targets = torch.randint(0, 10, [Batch], dtype: ScalarType.Int64);
            for (var i = 0; i < warmup; i++)
            {
                EngineStep.Run(config, ours, ourOptimizer, inputs, targets);
                DirectStep(direct, directOptimizer, inputs, targets);
            }

            var ourTimes = new List<double>();
            var directTimes = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                // Alternate which goes first, so drift in the machine's speed falls on both.
                var oursFirst = round % 2 == 0;
                for (var side = 0; side < 2; side++)
                {
                    var clock = Stopwatch.StartNew();
                    if ((side == 0) == oursFirst)
                    {
                        for (var i = 0; i < perRound; i++)
                        {
                            EngineStep.Run(config, ours, ourOptimizer, inputs, targets);
                        }

                        ourTimes.Add(clock.Elapsed.TotalSeconds);
                    }
                    else
                    {
                        for (var i = 0; i < perRound; i++)
                        {
                            DirectStep(direct, directOptimizer, inputs, targets);
                        }

                        directTimes.Add(clock.Elapsed.TotalSeconds);
                    }
                }
            }

            var ourRate = perRound * rounds * Batch / ourTimes.Sum();
            var directRate = perRound * rounds * Batch / directTimes.Sum();
            var roundRatios = ourTimes.Zip(directTimes, (o, d) => d / o).ToList();
            wideBatchesPerSecond = ourRate / Batch;
            Row("train images/s", ourRate, directRate);
            Console.WriteLine($"  per-round ratios: {string.Join(", ", roundRatios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))} (median {Median(roundRatios):F3}; target >= 0.97)");
        }

        /// <summary>2. Inference: the inferencer and Predict vs the direct network's forward.</summary>
        public void Inference()
        {
            var (batchReps, singleReps) = options.Quick ? (3, 20) : (10, 100);
            Section($"2. Inference, same network, eval mode, no grad ({batchReps} timed batches of {Batch}, {singleReps} timed single images; interleaved)");
            var config = Load(WideOverrides);
            var checkpoint = Path.Combine(Path.GetTempPath(), $"icls-bench-{Environment.ProcessId}.pth");
            torch.manual_seed(0);
            using (var trained = config.BuildModel())
            {
                ModelWeights.Save(trained, checkpoint);
            }

            try
            {
                using var inferencer = new ImageClassificationInferencer(config, checkpoint, "cpu");
                var model = inferencer.Model;

                // The same weights with their batch norms left as they are: what folding gains.
                using var unfolded = config.BuildModel();
                ModelWeights.Load(unfolded, checkpoint, strict: true);
                unfolded.eval();
                torch.manual_seed(0);
                using var direct = new DirectResNet(3, Width, 10, CifarMean, CifarStd);
                direct.eval();
                using var batch = torch.randint(0, 256, [Batch, 3, 32, 32], dtype: ScalarType.Byte);
                using var single = torch.randint(0, 256, [1, 3, 32, 32], dtype: ScalarType.Byte);

                Action inferBatch = () => inferencer.Infer(batch, topk: 1);
                Action predictBatch = () => Predict(model, batch);
                Action directBatch = () => DirectForward(direct, batch);
                Action unfoldedBatch = () => Predict(unfolded, batch);
                Action inferSingle = () => inferencer.Infer(single, topk: 1);
                Action predictSingle = () => Predict(model, single);
                Action directSingle = () => DirectForward(direct, single);
                Action unfoldedSingle = () => Predict(unfolded, single);

                foreach (var action in new[] { inferBatch, predictBatch, directBatch, unfoldedBatch, inferSingle, predictSingle, directSingle, unfoldedSingle })
                {
                    action();
                    action();
                }

                var batchTimes = Interleave([inferBatch, predictBatch, directBatch, unfoldedBatch], batchReps);
                var singleTimes = Interleave([inferSingle, predictSingle, directSingle, unfoldedSingle], singleReps);
                var directRate = Batch * batchReps / batchTimes[2].Sum();
                Row("batch-64 images/s, Inferencer.Infer(Tensor)", Batch * batchReps / batchTimes[0].Sum(), directRate);
                Row("batch-64 images/s, Classifier.Predict", Batch * batchReps / batchTimes[1].Sum(), directRate);
                var directMedian = Percentile(singleTimes[2], 0.5) * 1000;
                var directP90 = Percentile(singleTimes[2], 0.9) * 1000;
                RowLatency("batch-1 latency median ms, Inferencer.Infer", Percentile(singleTimes[0], 0.5) * 1000, directMedian);
                RowLatency("batch-1 latency p90 ms, Inferencer.Infer", Percentile(singleTimes[0], 0.9) * 1000, directP90);
                RowLatency("batch-1 latency median ms, Classifier.Predict", Percentile(singleTimes[1], 0.5) * 1000, directMedian);
                RowLatency("batch-1 latency p90 ms, Classifier.Predict", Percentile(singleTimes[1], 0.9) * 1000, directP90);
                Console.WriteLine($"  {inferencer.Rewrite.FoldedNorms} batch norms folded, {inferencer.Rewrite.ChannelsLastWeights} weights made channels-last; Predict rewritten vs as built (same weights, same batches):");
                Row("batch-64 images/s, rewritten / as built", Batch * batchReps / batchTimes[1].Sum(), Batch * batchReps / batchTimes[3].Sum());
                RowLatency("batch-1 latency median ms, rewritten vs as built", Percentile(singleTimes[1], 0.5) * 1000, Percentile(singleTimes[3], 0.5) * 1000);
            }
            finally
            {
                File.Delete(checkpoint);
            }
        }

        /// <summary>3. The quickstart loader's batches/s vs the rate its model consumes batches in training.</summary>
        public void Loader()
        {
            var config = Load([]);
            var loader = config.BuildDataLoader(RunStage.Train, 0);
            var batches = options.Quick ? Math.Min(20, loader.Count) : loader.Count;
            Section($"3. Loader, quickstart pipeline on {config.TrainDataloader!.Dataset.TypeName} ({loader.Dataset.Count} images, batch {loader.BatchSize}): {batches} batches alone vs the quickstart model's training steps on batches of that shape", header: false);

            // The quickstart's num_workers, then one worker per processor.
            var workerCounts = new[] { loader.Workers, Environment.ProcessorCount }.Distinct().ToArray();
            var loaderRates = new double[workerCounts.Length];
            long images = 0;
            for (var w = 0; w < workerCounts.Length; w++)
            {
                var timed = Load([$"train_dataloader.num_workers={workerCounts[w]}"]).BuildDataLoader(RunStage.Train, 0);
                var clock = Stopwatch.StartNew();
                var count = 0;
                foreach (var batch in timed.Epoch(0))
                {
                    using (batch)
                    {
                        images += batch.Size;
                    }

                    if (++count >= batches)
                    {
                        break;
                    }
                }

                loaderRates[w] = count / clock.Elapsed.TotalSeconds;
            }

            var inputShape = new long[] { loader.BatchSize, 1, 28, 28 };
            torch.manual_seed(0);
            using var model = config.BuildModel();
            model.train();
            using var optimizer = config.BuildOptimizer(model);
            using var inputs = torch.randint(0, 256, inputShape, dtype: ScalarType.Byte);
            using var targets = torch.randint(0, 10, [loader.BatchSize], dtype: ScalarType.Int64);
            var steps = options.Quick ? 5 : 20;
            for (var i = 0; i < 2; i++)
            {
                EngineStep.Run(config, model, optimizer, inputs, targets);
            }

            var modelClock = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++)
            {
                EngineStep.Run(config, model, optimizer, inputs, targets);
            }

            var modelRate = steps / modelClock.Elapsed.TotalSeconds;
            Console.WriteLine($"  {"",-46} {"loader",12} {"model",12} {"loader/model",13}");
            for (var w = 0; w < workerCounts.Length; w++)
            {
                var workers = $"{workerCounts[w]} worker{(workerCounts[w] == 1 ? string.Empty : "s")}";
                Console.WriteLine($"  {$"batches/s ({workers}; quickstart model, width 16)",-46} {loaderRates[w],12:F2} {modelRate,12:F2} {loaderRates[w] / modelRate,13:F2}");
                if (wideBatchesPerSecond is { } wide)
                {
                    Console.WriteLine($"  {$"batches/s ({workers}; section 1's width-64)",-46} {loaderRates[w],12:F2} {wide,12:F2} {loaderRates[w] / wide,13:F2}");
                }
            }

            Console.WriteLine($"  ({images} images read; the loader ran alone, its worker threads plus the caller; a ratio above 1 means it keeps the model fed)");
        }

        /// <summary>4. Working set and GC heap over a long run of the engine's step on loader batches.</summary>
        public void Memory()
        {
            var steps = options.Steps;
            var every = options.SampleEvery;
            Section($"4. Memory, quickstart model (width 16), batch {Batch} from the loader, {steps} engine steps, sampled every {every}", header: false);
            var config = Load([$"train_dataloader.batch_size={Batch}"]);
            var loader = config.BuildDataLoader(RunStage.Train, 0);
            torch.manual_seed(0);
            using var model = config.BuildModel();
            model.train();
            using var optimizer = config.BuildOptimizer(model);
            var samples = new List<(int Step, double WorkingSetMb, double HeapMb)>();
            var process = Process.GetCurrentProcess();
            Console.WriteLine($"  {"step",8} {"working set MB",15} {"GC heap MB",12} {"images/s",10}");
            var step = 0;
            var epoch = 0;
            var clock = Stopwatch.StartNew();
            var lastStep = 0;
            while (step < steps)
            {
                foreach (var batch in loader.Epoch(epoch))
                {
                    using (batch)
                    {
                        EngineStep.Run(config, model, optimizer, batch.Inputs, batch.Targets);
                    }

                    step++;
                    if (step % every == 0 || step == steps)
                    {
                        process.Refresh();
                        var sample = (step, process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(forceFullCollection: true) / 1048576.0);
                        samples.Add(sample);
                        var rate = (step - lastStep) * Batch / clock.Elapsed.TotalSeconds;
                        Console.WriteLine($"  {step,8} {sample.Item2,15:F1} {sample.Item3,12:F1} {rate,10:F0}");
                        clock.Restart();
                        lastStep = step;
                    }

                    if (step >= steps)
                    {
                        break;
                    }
                }

                epoch++;
            }

            var lastHalf = samples.Where(sample => sample.Step > steps / 2).ToList();
            if (lastHalf.Count < 2)
            {
                Console.WriteLine("  too few samples in the last half for a slope; use more --steps or a smaller --sample-every");
                return;
            }

            var workingSetSlope = Slope(lastHalf.Select(s => ((double)s.Step, s.WorkingSetMb))) * 1000;
            var heapSlope = Slope(lastHalf.Select(s => ((double)s.Step, s.HeapMb))) * 1000;
            Console.WriteLine($"  slope over the last half ({lastHalf.Count} samples): working set {workingSetSlope:+0.00;-0.00} MB/1000 steps, GC heap {heapSlope:+0.00;-0.00} MB/1000 steps");
            Console.WriteLine($"  flat after warm-up: working set {(Math.Abs(workingSetSlope) < 5 ? "yes" : "NO")} (|slope| < 5 MB/1000 steps), GC heap {(Math.Abs(heapSlope) < 1 ? "yes" : "NO")} (|slope| < 1 MB/1000 steps)");
        }

        private static void DirectStep(DirectResNet net, optim.Optimizer optimizer, Tensor inputs, Tensor targets)
        {
            using var scope = torch.NewDisposeScope();
            var loss = nn.functional.cross_entropy(net.call(inputs), targets);
            var value = loss.item<float>();
            if (!float.IsFinite(value))
            {
                throw new InvalidOperationException("The direct network's loss is not finite.");
            }

            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        private static void Predict(Classifier model, Tensor inputs)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var (preprocessed, _) = model.Preprocess(inputs);
            var prediction = model.Predict(preprocessed);
            _ = prediction.Labels.data<long>()[0];
        }

        private static void DirectForward(DirectResNet net, Tensor inputs)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var labels = net.call(inputs).softmax(1).argmax(1);
            _ = labels.data<long>()[0];
        }

        /// <summary>
        /// What TorchRuntime's convolution check costs where oneDNN is right (the check once at
        /// start, nothing per step), and what routing around oneDNN costs where it is wrong
        /// (libtorch's own kernels instead), on the quick-start model.
        /// </summary>
        public void RuntimeGuard()
        {
            var report = Runtime.TorchRuntime.EnsureInitialized();
            Section($"5. Runtime guard (oneDNN {(report.OneDnnEnabled ? "on" : "off")} after the start-up check, malloc tuned: {report.MallocTuned})", header: false);
            var checks = Enumerable.Range(0, 5).Select(_ => Runtime.TorchRuntime.CheckConvolutions()).ToList();
            Console.WriteLine($"  convolution check: first run {report.Check?.Elapsed.TotalMilliseconds:F1} ms (in the process's start-up), then median {Median(checks.Select(check => check.Elapsed.TotalMilliseconds).ToList()):F1} ms; worst error {checks[^1].WorstRelativeError:G3} ({checks[^1].WorstCase})");

            var config = Load([]);
            torch.manual_seed(0);
            using var model = config.BuildModel();
            model.train();
            using var optimizer = config.BuildOptimizer(model);
            var batch = config.TrainDataloader!.BatchSize;
            using var inputs = torch.randint(0, 256, [batch, 1, 28, 28], dtype: ScalarType.Byte);
            using var targets = torch.randint(0, 10, [batch], dtype: ScalarType.Int64);
            var before = Runtime.LibTorchContext.MkldnnEnabled;
            void Step(bool oneDnn)
            {
                Runtime.LibTorchContext.SetMkldnnEnabled(oneDnn);
                EngineStep.Run(config, model, optimizer, inputs, targets);
            }

            try
            {
                Step(true);
                Step(false);
                var times = Interleave([() => Step(true), () => Step(false)], options.Quick ? 5 : 30);
                Console.WriteLine($"  {"",-46} {"oneDNN",12} {"native",12} {"native/oneDNN",13}");
                Console.WriteLine($"  {"training step median ms (quickstart model)",-46} {Median(times[0]) * 1000,12:F1} {Median(times[1]) * 1000,12:F1} {Median(times[1]) / Median(times[0]),13:F3}");
            }
            finally
            {
                Runtime.LibTorchContext.SetMkldnnEnabled(before);
            }
        }

        private static List<double>[] Interleave(Action[] actions, int repetitions)
        {
            var times = actions.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < repetitions; r++)
            {
                for (var k = 0; k < actions.Length; k++)
                {
                    // Rotate the order each repetition.
                    var index = (k + r) % actions.Length;
                    var clock = Stopwatch.StartNew();
                    actions[index]();
                    times[index].Add(clock.Elapsed.TotalSeconds);
                }
            }

            return times;
        }

        private static long Parameters(nn.Module module) => module.parameters().Sum(parameter => parameter.numel());

        private static void Section(string title, bool header = true)
        {
            Console.WriteLine();
            Console.WriteLine(title);
            if (header)
            {
                Console.WriteLine($"  {"",-46} {"ours",12} {"direct",12} {"ours/direct",13}");
            }
        }

        private static void Row(string name, double ours, double direct) =>
            Console.WriteLine($"  {name,-46} {ours,12:F1} {direct,12:F1} {ours / direct,13:F3}");

        // For latencies lower is better: the ratio is direct/ours so that, as elsewhere, >1 means ours is faster.
        private static void RowLatency(string name, double ours, double direct) =>
            Console.WriteLine($"  {name,-46} {ours,12:F2} {direct,12:F2} {direct / ours,13:F3}");

        private static double Median(List<double> values) => Percentile(values, 0.5);

        private static double Percentile(List<double> values, double fraction)
        {
            var sorted = values.Order().ToList();
            var position = fraction * (sorted.Count - 1);
            var low = (int)Math.Floor(position);
            var high = Math.Min(low + 1, sorted.Count - 1);
            return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
        }

        private static double Slope(IEnumerable<(double X, double Y)> points)
        {
            var list = points.ToList();
            var meanX = list.Average(p => p.X);
            var meanY = list.Average(p => p.Y);
            var numerator = list.Sum(p => (p.X - meanX) * (p.Y - meanY));
            var denominator = list.Sum(p => (p.X - meanX) * (p.X - meanX));
            return denominator == 0 ? 0 : numerator / denominator;
        }
    }

    /// <summary>The Runner's own training step (<see cref="ImageClassifier.Engine.TrainingStep"/>), timed as the engine runs it.</summary>
    internal static class EngineStep
    {
        public static float Run(RunDefinition config, Classifier model, optim.Optimizer optimizer, Tensor inputs, Tensor targets) =>
            (float)ImageClassifier.Engine.TrainingStep.Run(
                config.OptimWrapper!.Wrap(optimizer, model.parameters()), model, inputs, targets, loss => new InvalidOperationException($"Non-finite loss {loss}."))["loss"];
    }
}
