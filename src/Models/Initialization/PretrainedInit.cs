using ImageClassifier.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Initialization;

/// <summary>
/// Loads a checkpoint into the module whose <c>init_cfg</c> lists it (mmengine's <c>PretrainedInit</c>),
/// not strictly: what does not match is reported and left as initialised, and a checkpoint of
/// which nothing fits is refused. This is fine-tuning, so a classifier head whose class count
/// differs from the checkpoint's keeps its fresh weights, with a line naming each adapted key
/// (see <see cref="ModelWeights"/>). <see cref="WeightInitialization"/> applies it after every other
/// initializer of the model, wherever it sits in the tree.
/// </summary>
[RegisterModel("Pretrained")]
public sealed class PretrainedInit : Initializer
{
    /// <param name="checkpoint">Path of the checkpoint file (a torch.save file, mmpretrain's layout or a bare state dict).</param>
    /// <param name="prefix">Load only the entries under this prefix, without it ("backbone." loads a classifier's backbone into a backbone).</param>
    /// <param name="mapLocation">Accepted for mmengine configs and ignored: tensors are read on the CPU and copied to the module's device.</param>
    public PretrainedInit(string checkpoint, string? prefix = null, string mapLocation = "cpu")
    {
        if (string.IsNullOrWhiteSpace(checkpoint))
        {
            throw new ConfigValueException("checkpoint", checkpoint, "the path of a checkpoint file");
        }

        Checkpoint = checkpoint;
        Prefix = prefix;
        MapLocation = mapLocation;
    }

    /// <summary>Path of the checkpoint file.</summary>
    public string Checkpoint { get; }

    /// <summary>The key prefix loaded, or null for the whole state dict.</summary>
    public string? Prefix { get; }

    /// <summary>mmengine's map_location, kept for round trips; not used.</summary>
    public string MapLocation { get; }

    /// <summary>Where the load and its notices are written; standard error when null, so that standard output stays the program's.</summary>
    public TextWriter? Log { get; set; }

    /// <summary>What the last <see cref="Apply"/> loaded; null before it ran.</summary>
    public WeightsLoadResult? LastResult { get; private set; }

    /// <inheritdoc />
    public override void Apply(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var log = Log ?? Console.Error;
        log.WriteLine(Prefix is null ? $"load model from: {Checkpoint}" : $"load {Prefix} in model from: {Checkpoint}");
        LastResult = ModelWeights.Load(module, Checkpoint, Prefix, strict: false, adaptHead: true);
        foreach (var adaptation in LastResult.HeadAdaptations)
        {
            log.WriteLine(adaptation.ToString());
        }

        if (!LastResult.Report.IsExact)
        {
            log.WriteLine(LastResult.Report.Describe());
        }
    }
}
