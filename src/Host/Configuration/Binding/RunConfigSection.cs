using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace ImageClassifier.Hosting.Configuration.Binding;

/// <summary>A top-level key of a run config (mmpretrain's names), and the JSON it holds.</summary>
/// <param name="Key">The key, e.g. <c>train_dataloader</c>.</param>
/// <param name="Description">What it configures.</param>
/// <param name="Kinds">The JSON kinds it may hold.</param>
public sealed record RunConfigSection(string Key, string Description, IReadOnlyList<ConfigNodeKind> Kinds)
{
    /// <summary>The key of the model section.</summary>
    public const string ModelKey = "model";

    private static readonly ConfigNodeKind[] Object = [ConfigNodeKind.Object];
    private static readonly ConfigNodeKind[] ObjectOrNull = [ConfigNodeKind.Object, ConfigNodeKind.Null];
    private static readonly ConfigNodeKind[] ObjectListOrNull = [ConfigNodeKind.Object, ConfigNodeKind.Array, ConfigNodeKind.Null];
    private static readonly ConfigNodeKind[] List = [ConfigNodeKind.Array];
    private static readonly ConfigNodeKind[] Text = [ConfigNodeKind.String];
    private static readonly ConfigNodeKind[] TextOrNull = [ConfigNodeKind.String, ConfigNodeKind.Null];

    /// <summary>Every known top-level key, in the order mmpretrain's configs usually write them.</summary>
    public static IReadOnlyList<RunConfigSection> All { get; } =
    [
        new(ModelKey, "The model: a component config whose \"type\" names the model, with its backbone, neck and head.", Object),
        new("data_preprocessor", "Normalisation and batch augmentation applied to each batch before the model.", ObjectOrNull),
        new("dataset_type", "The dataset class the dataloaders name.", Text),
        new("data_root", "The folder the datasets are read from.", Text),
        new("train_pipeline", "The transforms of a training sample.", List),
        new("val_pipeline", "The transforms of a validation sample.", List),
        new("test_pipeline", "The transforms of a test sample.", List),
        new("train_dataloader", "The training data: dataset, sampler, batch size, workers.", ObjectOrNull),
        new("val_dataloader", "The validation data.", ObjectOrNull),
        new("test_dataloader", "The test data.", ObjectOrNull),
        new("val_evaluator", "The metrics computed on the validation data.", ObjectListOrNull),
        new("test_evaluator", "The metrics computed on the test data.", ObjectListOrNull),
        new("tta_model", "How test-time augmentation (icls test --tta) merges the scores of an image's views, e.g. {\"type\": \"AverageClsScoreTTA\"}.", ObjectOrNull),
        new("tta_pipeline", "The test pipeline of test-time augmentation: transforms, and TestTimeAug steps whose \"transforms\" list the alternatives of each stage.", [ConfigNodeKind.Array, ConfigNodeKind.Null]),
        new("optim_wrapper", "The optimizer and how it is stepped (clipping, mixed precision, parameter-wise settings).", Object),
        new("param_scheduler", "How the learning rate and momentum change: one scheduler or a list of them.", ObjectListOrNull),
        new("auto_scale_lr", "The batch size the learning rate was tuned for, to scale it to the actual one.", ObjectOrNull),
        new("train_cfg", "The training loop: by epochs or iterations, how long, how often to validate.", ObjectOrNull),
        new("val_cfg", "The validation loop.", ObjectOrNull),
        new("test_cfg", "The test loop.", ObjectOrNull),
        new("default_hooks", "The standard hooks: timer, logger, parameter scheduler, checkpoint, sampler seed, visualization.", Object),
        new("custom_hooks", "Further hooks, in order.", List),
        new("env_cfg", "The environment: cudnn benchmark, multiprocessing, distributed settings.", Object),
        new("randomness", "Seeds and determinism.", Object),
        new("visualizer", "The visualizer.", ObjectOrNull),
        new("vis_backends", "Where visualizations are written.", List),
        new("log_processor", "How logged values are smoothed and written.", Object),
        new("log_level", "The logging level, e.g. \"INFO\".", Text),
        new("load_from", "A checkpoint to load the weights from before running; null for none.", TextOrNull),
        new("resume", "Resume training from load_from (or the latest checkpoint in work_dir), optimizer state included.", [ConfigNodeKind.Boolean]),
        new("work_dir", "Where logs and checkpoints go.", Text),
        new("default_scope", "The registry scope, \"mmpretrain\" in mmpretrain's configs.", TextOrNull),
        new("launcher", "How distributed processes are started: \"none\", \"pytorch\", ...", Text),
    ];

    // After All: static initializers run in the order they are written.
    private static readonly FrozenDictionary<string, RunConfigSection> ByKey = All.ToFrozenDictionary(section => section.Key, StringComparer.Ordinal);

    /// <summary>Finds a known top-level key.</summary>
    public static bool TryGet(string key, [NotNullWhen(true)] out RunConfigSection? section) => ByKey.TryGetValue(key, out section);

    /// <summary>Whether the section may hold a value of <paramref name="kind"/>.</summary>
    public bool Accepts(ConfigNodeKind kind) => Kinds.Contains(kind);

    /// <summary>"an object or null", for messages.</summary>
    public string Expected => string.Join(" or ", Kinds.Select(kind => kind == ConfigNodeKind.Array ? "a list" : ConfigNode.Describe(kind)));
}
