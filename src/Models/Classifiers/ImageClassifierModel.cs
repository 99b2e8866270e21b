using System.Reflection;
using ImageClassifier.Models.Backbones;
using ImageClassifier.Models.BatchAugments;
using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Preprocessors;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Classifiers;

/// <summary>
/// mmpretrain's <c>ImageClassifier</c>: a backbone, an optional neck and an optional head, with a
/// data preprocessor in front. State-dict keys are mmpretrain's (<c>backbone.conv1.weight</c>,
/// <c>head.fc.weight</c>), so its checkpoints load. The constructor ends by initialising the weights
/// from every module's <c>init_cfg</c> (<see cref="WeightInitialization"/>), so a model built from a
/// config is ready to train or to load a checkpoint into.
/// </summary>
[RegisterModel("ImageClassifier")]
public sealed class ImageClassifierModel : Classifier, IHasInitConfig, ILayerDepth, IOnnxExportable
{
    // The field names are the state-dict prefixes of mmpretrain's checkpoints.
    private readonly Backbone backbone;
    private readonly Neck? neck;
    private readonly Head? head;
    private readonly DataPreprocessor data_preprocessor;
    private readonly RandomBatchAugment? trainAugments;

    /// <param name="backbone">The feature extractor.</param>
    /// <param name="neck">Joins backbone and head (GlobalAveragePooling for most CNNs); the backbone's outputs go to the head as they are when null.</param>
    /// <param name="head">The classification head; without one only feature extraction works.</param>
    /// <param name="pretrained">A checkpoint to load into the whole model after initialisation; replaces init_cfg with a Pretrained entry, as in mmpretrain.</param>
    /// <param name="dataPreprocessor">Normalisation and colour order of the input; a ClsDataPreprocessor without normalisation when null.</param>
    /// <param name="initCfg">Initializers of the whole model, applied before the components' own.</param>
    /// <param name="trainCfg">
    /// Batch augmentations of training batches (<c>{"augments": [...], "probs": [...]}</c>), which
    /// mmpretrain hands to the data preprocessor as its <c>batch_augments</c>: it needs a
    /// ClsDataPreprocessor with <c>num_classes</c> and without batch_augments of its own.
    /// </param>
    public ImageClassifierModel(
        Backbone backbone,
        Neck? neck = null,
        Head? head = null,
        string? pretrained = null,
        DataPreprocessor? dataPreprocessor = null,
        Initializer[]? initCfg = null,
        RandomBatchAugmentConfig? trainCfg = null)
        : base("ImageClassifier")
    {
        ArgumentNullException.ThrowIfNull(backbone);
        this.backbone = backbone;
        this.neck = neck;
        this.head = head;
        data_preprocessor = dataPreprocessor ?? new ClsDataPreprocessor();
        if (trainCfg is not null)
        {
            trainAugments = TrainAugments(trainCfg, data_preprocessor);
        }

        InitCfg = pretrained is null ? [.. initCfg ?? []] : [new PretrainedInit(pretrained)];
        RegisterComponents();
        WeightInitialization.Initialize(this);
    }

    /// <summary>The feature extractor.</summary>
    public Backbone Backbone => backbone;

    /// <summary>The neck, or null.</summary>
    public Neck? Neck => neck;

    /// <summary>The head, or null.</summary>
    public Head? Head => head;

    /// <summary>The preprocessor <see cref="Preprocess"/> runs.</summary>
    public DataPreprocessor DataPreprocessor => data_preprocessor;

    /// <summary>The batch augmentations of training batches, from <c>train_cfg</c> or the preprocessor's <c>batch_augments</c>; null for none.</summary>
    public RandomBatchAugment? BatchAugments => trainAugments ?? (data_preprocessor as ClsDataPreprocessor)?.BatchAugments;

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <summary>
    /// Raw class scores (N, num_classes) of preprocessed images (N, C, H, W); without a head, the
    /// last feature of <see cref="ExtractFeat"/> at the neck.
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var feats = Features(input, FeatureStage.Neck);
        var output = head is null ? feats[^1] : head.call(feats);
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override (Tensor Inputs, Tensor? Targets) Preprocess(Tensor inputs, Tensor? targets = null, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var processed = data_preprocessor.call(inputs);
        if (targets is null)
        {
            return (processed, null);
        }

        var processedTargets = data_preprocessor.ProcessTargets(targets);
        if (!training)
        {
            return (processed, processedTargets);
        }

        return trainAugments is null
            ? data_preprocessor.AugmentBatch(processed, processedTargets)
            : trainAugments.Apply(processed, processedTargets, ((ClsDataPreprocessor)data_preprocessor).NumClasses!.Value);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> Loss(Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        var classifierHead = RequireHead(nameof(Loss));
        using var scope = torch.NewDisposeScope();
        var losses = classifierHead.Loss(Features(inputs, FeatureStage.Neck), targets);
        return losses.ToDictionary(pair => pair.Key, pair => pair.Value.MoveToOuterDisposeScope(), StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public override ClassificationPrediction Predict(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var classifierHead = RequireHead(nameof(Predict));
        using var scope = torch.NewDisposeScope();
        var prediction = classifierHead.Predict(Features(inputs, FeatureStage.Neck));
        return new ClassificationPrediction(prediction.Scores.MoveToOuterDisposeScope(), prediction.Labels.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> ExtractFeat(Tensor inputs, FeatureStage stage = FeatureStage.Neck)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = torch.NewDisposeScope();
        return [.. Features(inputs, stage).Select(feature => feature.MoveToOuterDisposeScope())];
    }

    /// <summary>
    /// The whole inference path in one graph, from pixels as the test pipeline gives them
    /// (N, C, H, W) to raw class scores (N, num_classes): the data preprocessor, the backbone, the
    /// neck and the head (or the last feature without a head), as <see cref="Preprocess"/> and then
    /// <c>forward</c> run at inference.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var preprocessed = graph.Export(data_preprocessor, inputs[0]);
        RecordPreprocessedShape(graph, inputs[0], preprocessed);
        var feats = graph.Export(backbone, [preprocessed]);
        if (neck is not null)
        {
            feats = graph.Export(neck, feats);
        }

        return head is null ? [feats[^1]] : graph.Export(head, feats);
    }

    /// <summary>
    /// Asks the head for a fresh classifier layer of <paramref name="numClasses"/> classes; the
    /// head must have a public <c>ResetClassifier(int)</c> (LinearClsHead has), which decides how
    /// the new layer is initialised.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no head, or it cannot reset its classifier.</exception>
    public override void ResetClassifier(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        var classifierHead = RequireHead(nameof(ResetClassifier));

        // Head's contract has no such method: heads declare their own, found by name.
        var reset = classifierHead.GetType().GetMethod(nameof(ResetClassifier), BindingFlags.Public | BindingFlags.Instance, [typeof(int)])
            ?? throw new InvalidOperationException($"The head {classifierHead.GetType().Name} has no public ResetClassifier(int): it cannot change its class count.");
        try
        {
            reset.Invoke(classifierHead, [numClasses]);
        }
        catch (TargetInvocationException error) when (error.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error.InnerException).Throw();
        }
    }

    /// <summary>
    /// The backbone's layer numbering for layer-wise learning-rate decay, as mmpretrain's
    /// <c>ImageClassifier.get_layer_depth</c>: the neck and the head come after the backbone's last layer.
    /// </summary>
    /// <exception cref="NotSupportedException">The backbone does not number its layers.</exception>
    public (int LayerId, int LayerCount) GetLayerDepth(string parameterName, string prefix) =>
        backbone is ILayerDepth depths
            ? depths.GetLayerDepth(parameterName, prefix + "backbone.")
            : throw new NotSupportedException($"the backbone {backbone.GetType().Name} does not (mmpretrain's ResNet, ConvNeXt, Swin Transformer and Vision Transformer do)");

    /// <summary>train_cfg's augmentations, which go where mmpretrain puts them: into a ClsDataPreprocessor that has none and knows the class count.</summary>
    private static RandomBatchAugment TrainAugments(RandomBatchAugmentConfig trainCfg, DataPreprocessor preprocessor)
    {
        if (preprocessor is not ClsDataPreprocessor classification)
        {
            throw new ArgumentException($"train_cfg's batch augmentations run in a ClsDataPreprocessor, but data_preprocessor is a {preprocessor.GetType().Name}.", nameof(trainCfg));
        }

        if (classification.BatchAugments is not null)
        {
            throw new ArgumentException("train_cfg and data_preprocessor.batch_augments both set batch augmentations; keep one of the two.", nameof(trainCfg));
        }

        if (classification.NumClasses is null)
        {
            throw new ArgumentException("train_cfg's batch augmentations need data_preprocessor.num_classes: mixed labels are one-hot scores over num_classes classes.", nameof(trainCfg));
        }

        return (RandomBatchAugment)trainCfg.Build();
    }

    private IReadOnlyList<Tensor> Features(Tensor inputs, FeatureStage stage)
    {
        var feats = backbone.call(inputs);
        if (stage == FeatureStage.Backbone)
        {
            return feats;
        }

        if (neck is not null)
        {
            feats = neck.call(feats);
        }

        if (stage == FeatureStage.Neck)
        {
            return feats;
        }

        return [RequireHead("ExtractFeat(pre_logits)").PreLogits(feats)];
    }

    private Head RequireHead(string operation) =>
        head ?? throw new InvalidOperationException($"{operation} needs a head, but this ImageClassifier was built without one; only ExtractFeat at the backbone or neck works.");

    // A backbone's export may need the image size (a transformer's patch grid, Swin's windows): the
    // preprocessor, which may pad, runs on one blank image of the graph input's size to tell it.
    private void RecordPreprocessedShape(OnnxGraphBuilder graph, string pixels, string preprocessed)
    {
        if (graph.KnownShape(pixels) is not [_, { } channels, { } height, { } width])
        {
            return;
        }

        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        var device = data_preprocessor.buffers().FirstOrDefault()?.device ?? torch.CPU;
        var shape = data_preprocessor.call(torch.zeros(1, channels, height, width, device: device)).shape;
        graph.SetKnownShape(preprocessed, [null, .. shape[1..].Select(dimension => (long?)dimension)]);
    }
}
