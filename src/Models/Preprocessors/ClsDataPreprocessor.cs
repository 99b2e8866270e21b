using ImageClassifier.Models.BatchAugments;
using ImageClassifier.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ImageClassifier.Models.Preprocessors;

/// <summary>
/// mmpretrain's classification preprocessor: flips BGR to RGB when asked (3-channel input only),
/// converts to float32, normalises with <c>mean</c> and <c>std</c> when they are given, and pads
/// height and width up to a multiple of <c>pad_size_divisor</c>. Labels become one-hot scores
/// with <c>to_onehot</c>. Mean and std are non-persistent buffers: no state-dict keys, as in mmpretrain.
/// With <c>batch_augments</c> (mixup, cutmix) training batches are mixed after normalisation and
/// their labels become mixed one-hot scores.
/// </summary>
[RegisterModel]
public sealed class ClsDataPreprocessor : DataPreprocessor, IOnnxExportable
{
    private readonly Tensor? mean;
    private readonly Tensor? std;

    /// <param name="mean">Per-channel mean subtracted from the input (in the channel order after to_rgb); no normalisation when null.</param>
    /// <param name="std">Per-channel standard deviation the input is divided by; required with mean.</param>
    /// <param name="padSizeDivisor">Height and width are padded (bottom and right) up to a multiple of this.</param>
    /// <param name="padValue">The value padding is filled with.</param>
    /// <param name="toRGB">Reverse the channel order of 3-channel input (BGR to RGB).</param>
    /// <param name="toOnehot">Turn class-index targets into one-hot scores (batch augmentations such as mixup need them).</param>
    /// <param name="numClasses">The class count of one-hot targets; required with to_onehot and with batch_augments.</param>
    /// <param name="batchAugments">Batch augmentations of training batches (<c>{"augments": [...], "probs": [...]}</c>); they turn on to_onehot, as in mmpretrain.</param>
    public ClsDataPreprocessor(
        double[]? mean = null,
        [ValueRange(Minimum = 0, MinimumExclusive = true)] double[]? std = null,
        [ValueRange(Minimum = 1)] int padSizeDivisor = 1,
        double padValue = 0,
        bool toRGB = false,
        bool toOnehot = false,
        [ValueRange(Minimum = 1)] int? numClasses = null,
        RandomBatchAugmentConfig? batchAugments = null)
        : base(nameof(ClsDataPreprocessor))
    {
        if ((mean is null) != (std is null))
        {
            throw new ConfigValueException(mean is null ? "mean" : "std", null, "given together with " + (mean is null ? "std" : "mean") + " to normalise, or both left out");
        }

        if (mean is not null && std is not null)
        {
            if (mean.Length != std.Length || mean.Length == 0)
            {
                throw new ConfigValueException("std", std, $"a list of {mean.Length} values, one per mean value");
            }

            var zero = Array.FindIndex(std, value => !(value > 0));
            if (zero >= 0)
            {
                throw new ConfigValueException($"std[{zero}]", std[zero], "greater than 0");
            }

            // Non-persistent, as mmpretrain registers them, so checkpoints carry no data_preprocessor
            // keys; registered before RegisterComponents, which would make them persistent.
            this.mean = torch.tensor(mean, [mean.Length, 1, 1], ScalarType.Float32).DetachFromDisposeScope();
            this.std = torch.tensor(std, [std.Length, 1, 1], ScalarType.Float32).DetachFromDisposeScope();
            register_buffer(nameof(this.mean), this.mean, persistent: false);
            register_buffer(nameof(this.std), this.std, persistent: false);
        }

        if (padSizeDivisor < 1)
        {
            throw new ConfigValueException("pad_size_divisor", padSizeDivisor, "at least 1");
        }

        if (toOnehot && numClasses is null)
        {
            throw new ConfigValueException("num_classes", null, "set when to_onehot is true");
        }

        if (batchAugments is not null && numClasses is null)
        {
            throw new ConfigValueException("num_classes", null, "set when batch_augments is given (mixed labels are one-hot scores over num_classes classes)");
        }

        BatchAugments = (RandomBatchAugment?)batchAugments?.Build();

        Mean = mean is null ? null : [.. mean];
        Std = std is null ? null : [.. std];
        PadSizeDivisor = padSizeDivisor;
        PadValue = padValue;
        ToRGB = toRGB;
        ToOnehot = toOnehot || BatchAugments is not null;
        NumClasses = numClasses;
        RegisterComponents();
    }

    /// <summary>The per-channel mean, or null when the input is not normalised.</summary>
    public IReadOnlyList<double>? Mean { get; }

    /// <summary>The per-channel standard deviation, or null when the input is not normalised.</summary>
    public IReadOnlyList<double>? Std { get; }

    /// <summary>Height and width are padded up to a multiple of this.</summary>
    public int PadSizeDivisor { get; }

    /// <summary>The value padding is filled with.</summary>
    public double PadValue { get; }

    /// <summary>Whether 3-channel input has its channel order reversed.</summary>
    public bool ToRGB { get; }

    /// <summary>Whether class-index targets become one-hot scores.</summary>
    public bool ToOnehot { get; }

    /// <summary>The class count of one-hot targets.</summary>
    public int? NumClasses { get; }

    /// <summary>The batch augmentations of training batches, or null.</summary>
    public RandomBatchAugment? BatchAugments { get; }

    /// <summary>Images (N, C, H, W) of any numeric dtype in, the float32 model input out (N, C, H', W').</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4)
        {
            throw new ArgumentException($"{nameof(ClsDataPreprocessor)} expects images (N, C, H, W), but got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        using var scope = torch.NewDisposeScope();
        var output = ToRGB && input.shape[1] == 3 ? input.flip(1) : input.alias();
        output = output.to_type(ScalarType.Float32);
        if (mean is not null && std is not null)
        {
            if (Mean!.Count != input.shape[1])
            {
                throw new ArgumentException($"The input has {input.shape[1]} channels, but mean and std have {Mean.Count} values.", nameof(input));
            }

            // TorchSharp 0.107 leaves non-persistent buffers out of Module.to(): follow the input instead.
            output = (output - mean.to(output.device)) / std.to(output.device);
        }

        if (PadSizeDivisor > 1)
        {
            var height = input.shape[2];
            var width = input.shape[3];
            var padHeight = (PadSizeDivisor - (height % PadSizeDivisor)) % PadSizeDivisor;
            var padWidth = (PadSizeDivisor - (width % PadSizeDivisor)) % PadSizeDivisor;
            if (padHeight > 0 || padWidth > 0)
            {
                output = nn.functional.pad(output, [0, padWidth, 0, padHeight], PaddingModes.Constant, PadValue);
            }
        }

        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The channel flip (a Gather of channels 2, 1, 0), the normalisation (Sub, Div by (1, C, 1, 1)
    /// constants) and the padding (Pad, worked out from the graph input's fixed height and width),
    /// each only where <c>forward</c> does it. The graph input is float32 already.
    /// </summary>
    public IReadOnlyList<string> ExportOnnx(OnnxGraphBuilder graph, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(inputs);
        var output = inputs[0];
        var shape = graph.KnownShape(output);
        var channels = shape?[1] ?? Mean?.Count;
        if (ToRGB && channels is null)
        {
            throw graph.Unsupported("flips 3-channel input only, but the channel count of its input is not known when exporting");
        }

        if (ToRGB && channels == 3)
        {
            output = graph.Node("Gather", [output, graph.Int64s(2, 1, 0)], OnnxAttribute.Int("axis", 1));
        }

        if (Mean is not null && Std is not null)
        {
            if (channels is { } count && count != Mean.Count)
            {
                throw graph.Unsupported($"normalises {Mean.Count} channels, but the exported input has {count}");
            }

            long[] dims = [1, Mean.Count, 1, 1];
            output = graph.Node("Sub", [output, graph.Constant([.. Mean.Select(value => (float)value)], dims)]);
            output = graph.Node("Div", [output, graph.Constant([.. Std.Select(value => (float)value)], dims)]);
        }

        if (PadSizeDivisor > 1)
        {
            if (shape is not [_, _, { } height, { } width])
            {
                throw graph.Unsupported("pads to a multiple of pad_size_divisor, which needs the input's height and width fixed when exporting");
            }

            var padHeight = (PadSizeDivisor - (height % PadSizeDivisor)) % PadSizeDivisor;
            var padWidth = (PadSizeDivisor - (width % PadSizeDivisor)) % PadSizeDivisor;
            if (padHeight > 0 || padWidth > 0)
            {
                output = graph.Node("Pad", [output, graph.Int64s(0, 0, 0, 0, 0, 0, padHeight, padWidth), graph.Scalar((float)PadValue)]);
            }
        }

        return [output];
    }

    /// <summary>
    /// With <c>to_onehot</c>, class indices (N) become float32 one-hot scores (N, num_classes);
    /// scores, and everything without <c>to_onehot</c>, pass unchanged.
    /// </summary>
    public override Tensor ProcessTargets(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (!ToOnehot || targets.dim() != 1 || targets.is_floating_point())
        {
            return targets;
        }

        using var scope = torch.NewDisposeScope();
        return nn.functional.one_hot(targets.to_type(ScalarType.Int64), NumClasses!.Value).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>With batch_augments, one of them mixes the batch; otherwise it passes unchanged.</summary>
    public override (Tensor Inputs, Tensor Targets) AugmentBatch(Tensor inputs, Tensor targets) =>
        BatchAugments is null ? (inputs, targets) : BatchAugments.Apply(inputs, targets, NumClasses!.Value);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Module.Dispose releases only the buffers it lists, and it does not list non-persistent ones.
        if (disposing)
        {
            mean?.Dispose();
            std?.Dispose();
        }

        base.Dispose(disposing);
    }
}
