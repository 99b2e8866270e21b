using ImageClassifier.Engine;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Evaluation;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;

namespace ImageClassifier.Hosting;

public sealed partial class ImageClassifierHost
{
    /// <summary>Loads a JSON config (with its <c>_base_</c> files and <c>--cfg-options</c>) and binds it to a run.</summary>
    /// <param name="configPath">The config file.</param>
    /// <param name="cfgOptions">Overrides such as <c>train_cfg.max_epochs=2</c>, applied after the merge.</param>
    /// <exception cref="ConfigException">The file cannot be read, or anything in it is wrong; the error names file, line and column.</exception>
    public RunDefinition LoadRun(string configPath, IEnumerable<string>? cfgOptions = null) =>
        ReadRun(ConfigLoader.Load(configPath, cfgOptions));

    /// <summary>Binds a merged config document to a run.</summary>
    /// <exception cref="ConfigException">Anything in the config is wrong.</exception>
    public RunDefinition ReadRun(ConfigDocument document) => RunDefinitionReader.Read(document, Catalog);

    /// <summary>A runner for <paramref name="run"/> (bound from JSON, or written in C#).</summary>
    public Runner CreateRunner(RunDefinition run, RunnerOptions? options = null) => new(run, options);

    /// <summary>Trains <paramref name="run"/> as it says and, when it has test data and metrics, tests the result.</summary>
    /// <returns>The training's outcome and the test's metrics (null when the run was interrupted or has no test section).</returns>
    public (TrainingResult Training, EvaluationResult? Test) Train(RunDefinition run, RunnerOptions? options = null, bool test = true)
    {
        using var runner = CreateRunner(run, options);
        var training = runner.Train();
        var evaluation = training.Completed && test && run.TestDataloader is not null && run.TestEvaluator.Count > 0 ? runner.Test() : null;
        return (training, evaluation);
    }

    /// <summary>Evaluates <paramref name="checkpoint"/> on the run's test data.</summary>
    public EvaluationResult Test(RunDefinition run, string checkpoint, RunnerOptions? options = null)
    {
        using var runner = CreateRunner(run, options);
        return runner.Test(checkpoint);
    }

    /// <summary>An inferencer with the run's model and test pipeline and the weights of <paramref name="checkpoint"/>.</summary>
    /// <param name="run">The run.</param>
    /// <param name="checkpoint">A training checkpoint or any mmpretrain checkpoint of the same model.</param>
    /// <param name="device">auto, cpu, cuda or cuda:N.</param>
    public ImageClassificationInferencer CreateInferencer(RunDefinition run, string checkpoint, string device = "auto") =>
        new(run, checkpoint, device);

    /// <summary>An inferencer from a JSON config and a checkpoint.</summary>
    /// <exception cref="ConfigException">The config is wrong.</exception>
    public ImageClassificationInferencer CreateInferencer(string configPath, string checkpoint, string device = "auto", IEnumerable<string>? cfgOptions = null) =>
        new(LoadRun(configPath, cfgOptions), checkpoint, device);
}
