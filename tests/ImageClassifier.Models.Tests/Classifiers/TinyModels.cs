using ImageClassifier.Models.Classifiers;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Necks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Tests.Classifiers;

/// <summary>
/// A two-stage backbone small enough for exact checks: conv1-bn1-relu (C channels, full size),
/// then conv2 (2C channels, stride 2); both stages are returned. Its init_cfg is ResNet's default.
/// </summary>
internal sealed class TinyBackbone : Backbone, IHasInitConfig
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;

    public TinyBackbone(int channels = 4, Initializer[]? initCfg = null)
        : base(nameof(TinyBackbone))
    {
        conv1 = nn.Conv2d(3, channels, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(channels);
        conv2 = nn.Conv2d(channels, 2 * channels, 3, stride: 2, padding: 1);
        InitCfg = initCfg ?? DefaultInitCfg.ResNet();
        RegisterComponents();
    }

    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <summary>Called from <see cref="OnWeightsInitialized"/>; records the order of events in tests.</summary>
    public Action? AfterInitialization { get; set; }

    public Conv2d Conv1 => conv1;

    public BatchNorm2d Bn1 => bn1;

    public Conv2d Conv2 => conv2;

    public void OnWeightsInitialized() => AfterInitialization?.Invoke();

    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var first = nn.functional.relu(bn1.call(conv1.call(input)));
        var second = conv2.call(first);
        return [first.MoveToOuterDisposeScope(), second.MoveToOuterDisposeScope()];
    }
}

/// <summary>
/// A linear head on the last feature with cross-entropy, softmax prediction and a
/// ResetClassifier; its init_cfg is LinearClsHead's default.
/// </summary>
internal sealed class TinyHead : Head, IHasInitConfig
{
    private Linear fc;

    public TinyHead(int inChannels, int numClasses, Initializer[]? initCfg = null)
        : base(nameof(TinyHead))
    {
        InChannels = inChannels;
        fc = nn.Linear(inChannels, numClasses);
        InitCfg = initCfg ?? DefaultInitCfg.LinearClsHead();
        RegisterComponents();
    }

    public int InChannels { get; }

    public IReadOnlyList<Initializer> InitCfg { get; }

    public Linear Fc => fc;

    public override Tensor forward(IReadOnlyList<Tensor> input) => fc.call(PreLogits(input));

    public override IReadOnlyDictionary<string, Tensor> Loss(IReadOnlyList<Tensor> feats, Tensor target) =>
        new Dictionary<string, Tensor> { ["loss"] = nn.functional.cross_entropy(call(feats), target) };

    public override ClassificationPrediction Predict(IReadOnlyList<Tensor> feats)
    {
        var scores = nn.functional.softmax(call(feats), 1);
        return new ClassificationPrediction(scores, scores.argmax(1));
    }

    public void ResetClassifier(int numClasses)
    {
        var old = fc;
        fc = nn.Linear(InChannels, numClasses);
        register_module(nameof(fc), null!);
        register_module(nameof(fc), fc);
        old.Dispose();
    }
}

/// <summary>Builds the tiny classifier: TinyBackbone(C) + GlobalAveragePooling + TinyHead(2C, classes).</summary>
internal static class TinyModels
{
    public static ImageClassifierModel Classifier(int channels = 4, int numClasses = 3, long seed = 7, string? pretrained = null)
    {
        torch.manual_seed(seed);
        return new ImageClassifierModel(
            new TinyBackbone(channels),
            new GlobalAveragePooling(),
            new TinyHead(2 * channels, numClasses),
            pretrained: pretrained);
    }

    public static Tensor Images(long seed = 11, int batch = 2, int size = 8)
    {
        var generator = new Generator((ulong)seed);
        return torch.randn([batch, 3, size, size], generator: generator);
    }
}
