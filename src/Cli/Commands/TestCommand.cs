using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Engine;
using ImageClassifier.Engine.Charts;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Evaluation;
using Spectre.Console;

namespace ImageClassifier.Cli.Commands;

/// <summary>
/// <c>icls test CONFIG CKPT [--work-dir D] [--confusion-matrix PNG] [--tta] [--device ...] [--json] [--cfg-options ...]</c>:
/// evaluates a checkpoint on the config's test data and prints the test metrics (top-1, top-5, ...),
/// the accuracy of each class (with any per-class metric beside it) and the confusion matrix, which
/// it also draws as a PNG (<c>confusion_matrix.png</c> in the work dir unless told otherwise).
/// </summary>
internal sealed class TestCommand : Command
{
    private readonly CommandContext _context;
    private readonly Argument<string> _config = ConfigCommandSupport.ConfigArgument();
    private readonly Argument<string> _checkpoint = new("CKPT") { Description = "The checkpoint whose weights are tested." };
    private readonly Option<string[]> _cfgOptions = ConfigCommandSupport.CfgOptions();
    private readonly Option<string?> _workDir = EngineCommandOptions.WorkDir(
        $"Where the confusion matrix PNG goes ({ConfusionMatrixChart.DefaultFileName}); the config's work_dir, else work_dirs/<config name>, when left out.");

    private readonly Option<string?> _confusionMatrix = new("--confusion-matrix")
    {
        Description = $"Write the confusion matrix PNG here instead of WORK_DIR/{ConfusionMatrixChart.DefaultFileName}.",
        HelpName = "PNG",
    };

    private readonly Option<string?> _device = EngineCommandOptions.Device();
    private readonly Option<int?> _threads = EngineCommandOptions.Threads();
    private readonly Option<bool> _json = new("--json") { Description = "Print the results as JSON." };

    private readonly Option<bool> _tta = new("--tta")
    {
        Description = "Test-time augmentation, as mmpretrain's tools/test.py --tta: each image is scored in every view of the config's tta_pipeline (by default the test pipeline with and without a horizontal flip) and tta_model (by default AverageClsScoreTTA) merges the scores.",
    };

    public TestCommand(CommandContext context)
        : base("test", "Evaluate a checkpoint on the config's test data: metrics, per-class accuracy, confusion matrix.")
    {
        _context = context;
        CommandContext.RejectOptionLikeValues(_checkpoint);
        Arguments.Add(_config);
        Arguments.Add(_checkpoint);
        Options.Add(_workDir);
        Options.Add(_confusionMatrix);
        Options.Add(_device);
        Options.Add(_threads);
        Options.Add(_json);
        Options.Add(_tta);
        Options.Add(_cfgOptions);
        SetAction(parseResult => ConfigCommandSupport.Run(_context, parseResult, Execute));
    }

    private int Execute(ParseResult parseResult)
    {
        var configPath = parseResult.GetRequiredValue(_config);
        var config = _context.LoadedHost.LoadRun(configPath, parseResult.GetValue(_cfgOptions));
        _context.LoadedHost.CheckPaths(config, [RunStage.Test], loadFrom: false);
        var json = parseResult.GetValue(_json);
        using var runner = new Runner(config, new RunnerOptions
        {
            WorkDir = parseResult.GetValue(_workDir),
            Device = parseResult.GetValue(_device) ?? "auto",
            Threads = parseResult.GetValue(_threads),
            Output = json ? TextWriter.Null : _context.Output,
            OutputIsTerminal = !json && EngineCommandOptions.IsTerminal(_context),
            ConfigName = Path.GetFileNameWithoutExtension(configPath),
        });
        var chartPath = parseResult.GetValue(_confusionMatrix) ?? Path.Combine(runner.WorkDir, ConfusionMatrixChart.DefaultFileName);

        // A path that cannot be written fails now, not after the whole test set has been evaluated.
        PngFile.PrepareFolder(chartPath);
        var result = runner.Test(parseResult.GetRequiredValue(_checkpoint), parseResult.GetValue(_tta));
        if (json)
        {
            WriteChart(result, chartPath);
            _context.WriteJson(new TestResultJson(
                result.SampleCount,
                AllMetrics(result),
                result.Classes,
                result.PerClassAccuracy,
                ToRows(result.ConfusionMatrix),
                chartPath));
            return ExitCodes.Ok;
        }

        // The tables come first: should the PNG fail, the evaluation's results are still on screen.
        Write(result);
        WriteChart(result, chartPath);
        _context.Output.WriteLine($"Confusion matrix PNG: {chartPath}");
        return ExitCodes.Ok;
    }

    private static void WriteChart(EvaluationResult result, string path)
    {
        using var bitmap = ConfusionMatrixChart.For(result).Render();
        PngFile.Write(bitmap, path);
    }

    private void Write(EvaluationResult result)
    {
        var console = _context.CreateConsole();
        console.WriteLine($"Test ({result.SampleCount} images): {string.Join("  ", result.Metrics.Select(pair => $"{pair.Key}: {Percent(pair.Value)}"))}");
        console.WriteLine();

        // Per-class lists (SingleLabelMetric with average null) join the per-class table.
        var perClassLists = result.Arrays.Where(pair => pair.Value is double[] values && values.Length == result.Classes.Count).ToList();
        var perClass = new Table().Title("Per-class accuracy").AddColumn("label").AddColumn("class").AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("accuracy (%)").RightAligned());
        foreach (var (name, _) in perClassLists)
        {
            perClass.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        }

        for (var label = 0; label < result.Classes.Count; label++)
        {
            long images = 0;
            for (var predicted = 0; predicted < result.Classes.Count; predicted++)
            {
                images += result.ConfusionMatrix[label, predicted];
            }

            var accuracy = result.PerClassAccuracy[label] is { } value ? Percent(value) : "-";
            var cells = new List<string> { Markup.Escape(label.ToString(CultureInfo.InvariantCulture)), Markup.Escape(result.Classes[label]), images.ToString(CultureInfo.InvariantCulture), accuracy };
            cells.AddRange(perClassLists.Select(pair => Percent(((double[])pair.Value)[label])));
            perClass.AddRow([.. cells]);
        }

        console.Write(perClass);
        console.WriteLine();

        // A ConfusionMatrix metric's result is the table below unless its class count differs.
        foreach (var (name, array) in result.Arrays.Where(pair => !perClassLists.Contains(pair) && !SameCounts(pair.Value, result.ConfusionMatrix)))
        {
            console.WriteLine($"{name}: {JsonSerializer.Serialize(array)}");
            console.WriteLine();
        }

        var matrix = new Table().Title("Confusion matrix (rows: true class, columns: predicted label)").AddColumn("true \\ predicted");
        for (var predicted = 0; predicted < result.Classes.Count; predicted++)
        {
            matrix.AddColumn(new TableColumn(predicted.ToString(CultureInfo.InvariantCulture)).RightAligned());
        }

        for (var actual = 0; actual < result.Classes.Count; actual++)
        {
            var cells = new List<string> { Markup.Escape($"{actual} {result.Classes[actual]}") };
            for (var predicted = 0; predicted < result.Classes.Count; predicted++)
            {
                cells.Add(result.ConfusionMatrix[actual, predicted].ToString(CultureInfo.InvariantCulture));
            }

            matrix.AddRow([.. cells]);
        }

        console.Write(matrix);
    }

    // The numbers and the lists and matrices together, as mmpretrain's test returns them.
    private static Dictionary<string, object> AllMetrics(EvaluationResult result)
    {
        var metrics = result.Metrics.ToDictionary(pair => pair.Key, pair => (object)pair.Value, StringComparer.Ordinal);
        foreach (var (name, array) in result.Arrays)
        {
            metrics[name] = array;
        }

        return metrics;
    }

    private static bool SameCounts(Array array, long[,] matrix) =>
        array is long[][] rows && rows.Length == matrix.GetLength(0)
        && rows.Select((row, index) => row.Length == matrix.GetLength(1) && row.Select((count, column) => count == matrix[index, column]).All(same => same)).All(same => same);

    private static long[][] ToRows(long[,] matrix) =>
        [.. Enumerable.Range(0, matrix.GetLength(0)).Select(row => Enumerable.Range(0, matrix.GetLength(1)).Select(column => matrix[row, column]).ToArray())];

    private static string Percent(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private sealed record TestResultJson(
        long Samples,
        IReadOnlyDictionary<string, object> Metrics,
        IReadOnlyList<string> Classes,
        IReadOnlyList<double?> PerClassAccuracy,
        long[][] ConfusionMatrix,
        string ConfusionMatrixPng);
}
