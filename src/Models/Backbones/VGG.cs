using ImageClassifier.Models.Initialization;
using ImageClassifier.Models.Layers;
using ImageClassifier.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Backbones;

/// <summary>
/// VGG (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
/// Recognition"), as mmpretrain's <c>VGG</c>: <c>features</c>, one Sequential of 3x3 ConvModules
/// (with a bias, a norm only with <c>norm_cfg</c>, then the activation), each stage closed by a 2x2
/// stride-2 max pooling; with <c>num_classes</c> above 0 also <c>classifier</c>, mmpretrain's three
/// linear layers (512 * 7 * 7 to 4096 to 4096 to num_classes, ReLU and dropout between), which
/// reads the flattened last feature map and so needs 224 x 224 inputs. An image batch (N, 3, H, W)
/// in; out, the feature map of each stage in <c>out_indices</c>, shallowest first, stage i with 64,
/// 128, 256, 512, 512 channels at H / 2^(i+1); then, with a classifier, its scores (N, num_classes).
/// </summary>
/// <remarks>
/// Stage indices 0 ... num_stages - 1 are the stages and index num_stages is the classifier's
/// output, which is returned whenever there is a classifier (mmpretrain's default out_indices is
/// (num_stages,) with one, (4,) without). mmpretrain's configs pair it with a plain <c>ClsHead</c>,
/// whose scores are the backbone's last output.
/// </remarks>
[RegisterModel]
public partial class VGG : Backbone, IHasInitConfig, IHasFeatureInfo, IOnnxExportable
{
    // Convs per stage; depth counts them plus the classifier's three linear layers.
    private static readonly IReadOnlyDictionary<int, int[]> ArchSettings = new Dictionary<int, int[]>
    {
        [11] = [1, 1, 2, 2, 2],
        [13] = [2, 2, 2, 2, 2],
        [16] = [2, 2, 3, 3, 3],
        [19] = [2, 2, 4, 4, 4],
    };

    // The classifier reads a 7 x 7 map: 224 / 2^5.
    private const int ClassifierMapSize = 7;

    // mmpretrain's attribute names, so they are the checkpoint keys (features.0.conv.weight,
    // classifier.0.weight).
    private readonly Sequential features;
    private readonly Sequential? classifier;

    // The modules of features, in order; stage i's are layers[start .. end) (its ConvModules and
    // its pooling).
    private readonly nn.Module<Tensor, Tensor>[] layers;
    private readonly (int Start, int End)[] stageRanges;
    private readonly int[] stageBlocks;
    private readonly int[] outIndices;
    private readonly int frozenStages;
    private readonly bool normEval;
    private readonly FeatureInfo[] featureInfo;

    /// <summary>Creates the backbone; the parameters are mmpretrain's VGG arguments, with its defaults.</summary>
    /// <param name="depth">Network depth: 11, 13, 16 or 19 (convolutions plus the three linear layers).</param>
    /// <param name="numClasses">Classes of the built-in classifier; 0 or less builds none.</param>
    /// <param name="numStages">How many stages to build, 1 to 5.</param>
    /// <param name="dilations">The dilation (and padding) of each stage's convolutions; one item per stage.</param>
    /// <param name="outIndices">The stages whose outputs are returned, each below num_stages, or num_stages for the classifier's output, which is returned anyway when there is a classifier; null is (num_stages,) with a classifier and the last stage (4 of 5) without.</param>
    /// <param name="frozenStages">Stages whose parameters are not trained and which stay in evaluation mode: k freezes the first k stages; -1 or 0 freezes nothing.</param>
    /// <param name="convCfg">The convolution layers; null is a plain Conv2d.</param>
    /// <param name="normCfg">The norm after each convolution; null for none (mmpretrain's vgg11 ... vgg19; the "bn" configs set BN).</param>
    /// <param name="actCfg">The activation after each convolution; null is ReLU.</param>
    /// <param name="normEval">Keep every batch norm in evaluation mode (running statistics frozen) while training.</param>
    /// <param name="ceilMode">Round the max poolings' output sizes up instead of down.</param>
    /// <param name="withLastPool">Keep the last stage's max pooling.</param>
    /// <param name="initCfg">The weight initializers; null is mmpretrain's default: Kaiming on Conv2d, weight 1 and bias 0 on batch norms, N(0, 0.01²) on Linear.</param>
    public VGG(
        [OneOf(11, 13, 16, 19)] int depth,
        int numClasses = -1,
        [ValueRange(1, 5)] int numStages = 5,
        [DefaultItems(1, 1, 1, 1, 1)][ValueRange(Minimum = 1)] int[]? dilations = null,
        [ValueRange(0, 5)] int[]? outIndices = null,
        [ValueRange(-1, 5)] int frozenStages = -1,
        ConvLayerBuilder? convCfg = null,
        NormLayerBuilder? normCfg = null,
        ActivationBuilder? actCfg = null,
        bool normEval = false,
        bool ceilMode = false,
        bool withLastPool = true,
        Initializer[]? initCfg = null)
        : base(nameof(VGG))
    {
        if (!ArchSettings.TryGetValue(depth, out var arch))
        {
            throw new ConfigValueException("depth", depth, "one of 11, 13, 16, 19");
        }

        if (numStages is < 1 or > 5)
        {
            throw new ConfigValueException("num_stages", numStages, "between 1 and 5");
        }

        dilations ??= [1, 1, 1, 1, 1];
        if (dilations.Length != numStages)
        {
            throw new ConfigValueException("dilations", dilations, $"{numStages} items, one per stage (num_stages is {numStages})");
        }

        if (frozenStages < -1 || frozenStages > numStages)
        {
            throw new ConfigValueException("frozen_stages", frozenStages, $"between -1 and num_stages ({numStages})");
        }

        var hasClassifier = numClasses > 0;

        // With a classifier, index num_stages is its output; without one nothing has that index
        // (mmpretrain accepts it there and returns nothing for it). The default without one is the
        // last stage, which is mmpretrain's (4,) at its five stages; with fewer, (4,) would return nothing.
        var indexCount = hasClassifier ? numStages + 1 : numStages;
        var stageOutputs = StageIndices.Check(outIndices ?? [hasClassifier ? numStages : numStages - 1], indexCount, hasClassifier ? "the count of stages and classifier" : "num_stages without a classifier");
        this.outIndices = hasClassifier ? [.. stageOutputs.Where(index => index < numStages), numStages] : stageOutputs;

        Depth = depth;
        NumClasses = numClasses;
        WithNorm = normCfg is not null;
        InitCfg = initCfg ?? DefaultInitCfg.VGG();
        this.frozenStages = frozenStages;
        this.normEval = normEval;

        var convLayer = convCfg ?? new Convolution2d();
        var activation = actCfg ?? new ReLUActivation(inplace: true);
        stageBlocks = arch[..numStages];
        stageRanges = new (int, int)[numStages];
        featureInfo = new FeatureInfo[indexCount];
        var featureModules = new List<nn.Module<Tensor, Tensor>>();
        var channels = 3;
        var reduction = 1;
        for (var stage = 0; stage < numStages; stage++)
        {
            var start = featureModules.Count;
            var outChannels = StageChannels(stage);
            for (var block = 0; block < stageBlocks[stage]; block++)
            {
                featureModules.Add(new ConvModule(channels, outChannels, 3, padding: dilations[stage], dilation: dilations[stage], bias: true, conv: convLayer, norm: normCfg, activation: activation));
                channels = outChannels;
            }

            if (withLastPool || stage < numStages - 1)
            {
                featureModules.Add(nn.MaxPool2d(kernel_size: 2, stride: 2, ceil_mode: ceilMode));
                reduction *= 2;
            }

            stageRanges[stage] = (start, featureModules.Count);
            featureInfo[stage] = new FeatureInfo(outChannels, reduction, $"features.{featureModules.Count - 1}");
        }

        layers = [.. featureModules];
        features = nn.Sequential(featureModules);
        if (hasClassifier)
        {
            var hidden = ClassifierHiddenChannels;
            classifier = nn.Sequential(
                nn.Linear(StageChannels(4) * ClassifierMapSize * ClassifierMapSize, hidden),
                nn.ReLU(inplace: true),
                nn.Dropout(),
                nn.Linear(hidden, hidden),
                nn.ReLU(inplace: true),
                nn.Dropout(),
                nn.Linear(hidden, numClasses));
            featureInfo[numStages] = new FeatureInfo(numClasses, reduction, nameof(classifier));
        }

        RegisterComponents();
        FreezeStages();
    }

    /// <summary>The network depth.</summary>
    public int Depth { get; }

    /// <summary>Classes of the built-in classifier; 0 or less when there is none.</summary>
    public int NumClasses { get; }

    /// <summary>Whether each convolution is followed by a norm (norm_cfg was given).</summary>
    public bool WithNorm { get; }

    /// <summary>The convolutions of each built stage, the first stage first.</summary>
    public IReadOnlyList<int> StageBlocks => stageBlocks;

    /// <inheritdoc />
    public IReadOnlyList<Initializer> InitCfg { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OutIndices => outIndices;

    /// <summary>One entry per stage, then, with a classifier, one for its scores (index num_stages).</summary>
    public IReadOnlyList<FeatureInfo> FeatureInfo => featureInfo;

    /// <summary>
    /// Width of the classifier's two hidden linear layers: 4096, as mmpretrain fixes it. Read inside
    /// the constructor, so an override returns a constant.
    /// </summary>
    protected virtual int ClassifierHiddenChannels => 4096;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var outputs = new List<Tensor>(outIndices.Length);
        var output = input;
        for (var stage = 0; stage < stageRanges.Length; stage++)
        {
            for (var index = stageRanges[stage].Start; index < stageRanges[stage].End; index++)
            {
                output = layers[index].call(output);
            }

            if (outIndices.Contains(stage))
            {
                outputs.Add(output);
            }
        }

        if (classifier is not null)
        {
            outputs.Add(classifier.call(output.flatten(1)));
        }

        return [.. outputs.Select(feature => feature.MoveToOuterDisposeScope())];
    }

    /// <summary>The layers stage by stage, the outputs of the stages in out_indices, then the classifier on the flattened map where there is one.</summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var outputs = new List<string>(outIndices.Length + 1);
        var output = inputs[0];
        for (var stage = 0; stage < stageRanges.Length; stage++)
        {
            for (var index = stageRanges[stage].Start; index < stageRanges[stage].End; index++)
            {
                output = graph.Export(layers[index], output);
            }

            if (outIndices.Contains(stage))
            {
                outputs.Add(output);
            }
        }

        if (classifier is not null)
        {
            outputs.Add(graph.Export(classifier, graph.Node("Flatten", [output], OnnxAttribute.Int("axis", 1))));
        }

        return outputs;
    }

    /// <summary>
    /// Sets training or evaluation mode; frozen stages go back to evaluation mode, and with
    /// <c>norm_eval</c> every batch norm does too.
    /// </summary>
    public override void train(bool train = true)
    {
        base.train(train);
        FreezeStages();
        if (train && normEval)
        {
            BackboneStages.EvalBatchNorms(this);
        }
    }

    /// <summary>
    /// Output channels of <paramref name="stage"/> (from 0): 64, 128, 256, 512, 512, as mmpretrain
    /// fixes them; the classifier reads the fifth's. Read inside the constructor, so an override
    /// returns constants.
    /// </summary>
    protected virtual int StageChannels(int stage) => stage < 4 ? 64 << stage : 512;

    private void FreezeStages()
    {
        for (var stage = 0; stage < frozenStages; stage++)
        {
            for (var index = stageRanges[stage].Start; index < stageRanges[stage].End; index++)
            {
                layers[index].eval();
                foreach (var parameter in layers[index].parameters())
                {
                    parameter.requires_grad = false;
                }
            }
        }
    }
}
