using ImageClassifier.Engine;
using ImageClassifier.Engine.Configuration;
using ImageClassifier.Engine.Evaluation;
using ImageClassifier.Engine.Inference;
using ImageClassifier.Hosting.Configuration;
using ImageClassifier.Hosting.Configuration.Binding;
using ImageClassifier.Hosting.Validation;
using ImageClassifier.Models.Weights.Converters;

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

    /// <summary>
    /// Checks everything <paramref name="run"/> uses, reading no data but the training set's size:
    /// that every path it names exists (<see cref="CheckPaths"/>, for all its stages and load_from),
    /// builds the pipelines' transforms, samplers, optimizer, schedulers (attached for the run's
    /// length in iterations), hooks, metrics and the model, and runs a zero batch through the
    /// model's parts (<see cref="CheckWiring"/>). <c>icls validate</c> is this call.
    /// </summary>
    /// <returns>The model's size, the wiring check's input and output, and warnings.</returns>
    /// <exception cref="ConfigException">For a run bound from JSON: the first problem, at its file, line and column.</exception>
    /// <exception cref="RunConfigException">For a run written in C#: the first problem, naming the setting.</exception>
    public RunValidation Validate(RunDefinition run) => RunValidator.Validate(run);

    /// <summary>
    /// Checks that the paths <paramref name="run"/> names for <paramref name="stages"/> exist: each of
    /// their datasets' data_root (with its data_prefix and ann_file), load_from when
    /// <paramref name="loadFrom"/>, and the checkpoints the model loads when it is built
    /// (<c>model.pretrained</c>, <c>init_cfg</c> entries of type Pretrained). Relative paths are read
    /// from the current directory, as the run reads them; URLs are left alone. <see cref="Train"/>,
    /// <see cref="Test"/>, <see cref="Validate"/> and <c>icls train</c> and <c>test</c> call it first.
    /// </summary>
    /// <exception cref="ConfigException">For a run bound from JSON: the first path that does not exist, at its file, line and column, with the path looked for.</exception>
    /// <exception cref="RunConfigException">For a run written in C#: the same, naming the setting.</exception>
    public void CheckPaths(RunDefinition run, IEnumerable<RunStage> stages, bool loadFrom = true) => RunPathCheck.Check(run, stages, loadFrom);

    /// <summary>The stages <see cref="Train"/> reads: training, validation when configured, and testing when it follows.</summary>
    private static IEnumerable<RunStage> TrainingStages(RunDefinition run, bool test)
    {
        yield return RunStage.Train;
        yield return RunStage.Val;
        if (test && run.TestDataloader is not null && run.TestEvaluator.Count > 0)
        {
            yield return RunStage.Test;
        }
    }

    /// <summary>
    /// Builds the run's model and runs a batch of zeros through its preprocessor, backbone, neck and
    /// head one at a time, so that a part which does not fit the one before it (a head whose
    /// in_channels is not what the neck gives) is an error at that part's config key, naming both.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="inputShape">The input's shape (N, C, H, W); null reads it from the config (the last crop or resize of the test pipeline, the dataset's image size, else 224x224).</param>
    /// <returns>The input used and the output's shape; null when the model does not take one image tensor.</returns>
    /// <exception cref="ConfigException">For a run bound from JSON: a part does not fit, at its file, line and column.</exception>
    /// <exception cref="RunConfigException">For a run written in C#: a part does not fit, naming the setting.</exception>
    public WiringResult? CheckWiring(RunDefinition run, IReadOnlyList<long>? inputShape = null) =>
        ModelWiringCheck.Check(run, inputShape is null ? null : ModelInput.Given(inputShape, "the given input shape"));

    /// <summary>
    /// Converts <paramref name="sourceCheckpoint"/> (torchvision's, timm's or mmpretrain's layout, any
    /// checkpoint format) for the model of <paramref name="run"/> and writes <paramref name="destination"/>,
    /// an mmengine-style checkpoint (safetensors when the name ends in <c>.safetensors</c>) that
    /// <c>load_from</c>, <c>init_cfg</c> <c>Pretrained</c>, test and inference take.
    /// </summary>
    /// <returns>How many tensors were converted.</returns>
    /// <exception cref="ImageClassifier.Models.Checkpoints.StateDictLoadException">The converted keys do not fit the model (the missing, unexpected and mis-shaped ones are named), or no key map converts its backbone from that source.</exception>
    public int ConvertCheckpoint(RunDefinition run, string sourceCheckpoint, string destination, WeightSource from)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var model = run.BuildModel();
        return CheckpointConverter.ConvertFile(model, sourceCheckpoint, destination, from);
    }

    /// <summary>A runner for <paramref name="run"/> (bound from JSON, or written in C#).</summary>
    public Runner CreateRunner(RunDefinition run, RunnerOptions? options = null) => new(run, options);

    /// <summary>
    /// Trains <paramref name="run"/> as it says and, when it has test data and metrics, tests the
    /// result. The paths it reads are checked first (<see cref="CheckPaths"/>), so that a test set
    /// that is not there fails now rather than after the training.
    /// </summary>
    /// <returns>The training's outcome and the test's metrics (null when the run was interrupted or has no test section).</returns>
    public (TrainingResult Training, EvaluationResult? Test) Train(RunDefinition run, RunnerOptions? options = null, bool test = true)
    {
        ArgumentNullException.ThrowIfNull(run);
        CheckPaths(run, TrainingStages(run, test), loadFrom: options?.Resume is null);
        using var runner = CreateRunner(run, options);
        var training = runner.Train();
        var evaluation = training.Completed && test && run.TestDataloader is not null && run.TestEvaluator.Count > 0 ? runner.Test() : null;
        return (training, evaluation);
    }

    /// <summary>Evaluates <paramref name="checkpoint"/> on the run's test data, once the paths it reads are checked (<see cref="CheckPaths"/>).</summary>
    /// <param name="run">The run.</param>
    /// <param name="checkpoint">The weights to test.</param>
    /// <param name="options">How to run; the defaults when null.</param>
    /// <param name="tta">Test-time augmentation (<c>tta_model</c>, <c>tta_pipeline</c>), as mmpretrain's <c>tools/test.py --tta</c>; see <see cref="Runner.Test"/>.</param>
    public EvaluationResult Test(RunDefinition run, string checkpoint, RunnerOptions? options = null, bool tta = false)
    {
        ArgumentNullException.ThrowIfNull(run);
        CheckPaths(run, [RunStage.Test], loadFrom: false);
        using var runner = CreateRunner(run, options);
        return runner.Test(checkpoint, tta);
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
